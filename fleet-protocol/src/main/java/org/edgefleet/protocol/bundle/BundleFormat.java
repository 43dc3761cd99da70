package org.edgefleet.protocol.bundle;

/**
 * The bundle container: a zip whose first entry is {@code manifest.json}, second
 * {@code manifest.sig}, then every file the manifest lists, and nothing else.
 * The fixed order lets a reader check the signature before it reads any model byte.
 */
public final class BundleFormat {

  public static final String MANIFEST = "manifest.json";
  public static final String SIGNATURE = "manifest.sig";
  public static final String MEDIA_TYPE = "application/vnd.edgefleet.bundle+zip";

  private BundleFormat() {}
}
