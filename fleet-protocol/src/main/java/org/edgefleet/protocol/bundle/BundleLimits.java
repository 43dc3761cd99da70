package org.edgefleet.protocol.bundle;

/**
 * Hard limits on what a reader accepts, so a hostile bundle cannot exhaust memory or disk.
 *
 * @param maxBundleBytes largest bundle file, and largest sum of declared file sizes
 * @param maxManifestBytes largest manifest entry (test vectors and statistics live there)
 * @param maxEntries most zip entries, manifest and signature included
 */
public record BundleLimits(long maxBundleBytes, int maxManifestBytes, int maxEntries) {

  public static final BundleLimits DEFAULT = new BundleLimits(512L * 1024 * 1024, 4 * 1024 * 1024, 34);

  public BundleLimits {
    if (maxBundleBytes <= 0 || maxManifestBytes <= 0 || maxEntries < 3) {
      throw new IllegalArgumentException("bundle limits must be positive and allow at least 3 entries");
    }
  }

  public BundleLimits withMaxBundleBytes(long bytes) {
    return new BundleLimits(bytes, maxManifestBytes, maxEntries);
  }
}
