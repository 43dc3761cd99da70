package org.edgefleet.protocol.bundle;

/**
 * Hard limits on what a reader accepts, so a hostile bundle cannot exhaust memory or disk, and a
 * signed but careless one cannot make every device bin or run far more than its model needs.
 *
 * @param maxBundleBytes largest bundle file, and largest sum of declared file sizes
 * @param maxManifestBytes largest manifest entry (test vectors and statistics live there)
 * @param maxEntries most zip entries, manifest and signature included
 * @param maxTestVectors most test vectors the agent runs before activating the model
 * @param maxFeatures most named features of one input, and most reference statistics in all
 * @param maxBinsPerFeature most histogram bins of one feature's reference statistics
 */
public record BundleLimits(long maxBundleBytes, int maxManifestBytes, int maxEntries, int maxTestVectors,
    int maxFeatures, int maxBinsPerFeature) {

  public static final BundleLimits DEFAULT = new BundleLimits(512L * 1024 * 1024, 1024 * 1024, 34, 256, 4096, 1000);

  public BundleLimits {
    if (maxBundleBytes <= 0 || maxManifestBytes <= 0 || maxEntries < 3 || maxTestVectors < 0 || maxFeatures < 0
        || maxBinsPerFeature < 1) {
      throw new IllegalArgumentException("bundle limits must be positive and allow at least 3 entries");
    }
  }

  public BundleLimits withMaxBundleBytes(long bytes) {
    return new BundleLimits(bytes, maxManifestBytes, maxEntries, maxTestVectors, maxFeatures, maxBinsPerFeature);
  }
}
