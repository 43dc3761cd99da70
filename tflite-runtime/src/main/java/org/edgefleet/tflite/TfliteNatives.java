package org.edgefleet.tflite;

import java.nio.file.Path;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.tensorflowlite.global.tensorflowlite;

/**
 * Loads JavaCPP's TFLite natives. JavaCPP unpacks them into {@code ~/.javacpp/cache} unless
 * {@value #CACHE_PROPERTY} says otherwise; a device's home may be read-only or tiny, so the caller
 * names a folder (the agent's native dir, a build folder). A property set by the user wins.
 */
public final class TfliteNatives {

  public static final String CACHE_PROPERTY = "org.bytedeco.javacpp.cachedir";
  private static boolean loaded;

  private TfliteNatives() {}

  // Synchronized on the class: the property is process-wide and JavaCPP reads it once, on first load.
  public static synchronized void load(Path cacheDir) throws TfliteException {
    if (loaded) {
      return;
    }
    if (System.getProperty(CACHE_PROPERTY) == null) {
      System.setProperty(CACHE_PROPERTY, cacheDir.toAbsolutePath().toString());
    }
    try {
      Loader.load(tensorflowlite.class);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      throw new TfliteException("the TFLite native library is not available for platform " + Loader.getPlatform()
          + " (builds exist for linux-x86_64 and linux-arm64): " + e.getMessage(), true, e);
    }
    loaded = true;
  }
}
