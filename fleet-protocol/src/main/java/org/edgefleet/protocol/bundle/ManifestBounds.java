package org.edgefleet.protocol.bundle;

import java.util.HashMap;
import java.util.Map;
import org.edgefleet.protocol.bundle.BundleException.Reason;

/**
 * Checks a manifest against {@link BundleLimits} before a single model byte is inflated: the
 * declared sizes (summed without wrapping around), the number of files and test vectors, and the
 * drift statistics, whose features cannot outnumber the values an input holds.
 */
final class ManifestBounds {

  private ManifestBounds() {}

  static void check(Manifest m, BundleLimits limits) throws BundleException {
    if (m.files().size() + 2 > limits.maxEntries()) {
      throw tooLarge("bundle lists " + m.files().size() + " files, the limit is " + (limits.maxEntries() - 2));
    }
    long declared = m.declaredBytes();
    if (declared > limits.maxBundleBytes()) {
      throw tooLarge("bundle declares " + (declared == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : declared)
          + " bytes of files, the limit is " + limits.maxBundleBytes());
    }
    if (m.testVectors().size() > limits.maxTestVectors()) {
      throw tooLarge("manifest has " + m.testVectors().size() + " test vectors, the limit is " + limits.maxTestVectors());
    }
    Map<String, TensorSpec> inputs = new HashMap<>();
    for (TensorSpec in : m.inputs()) {
      inputs.put(in.name(), in);
      checkFeatures(in, limits);
    }
    if (m.referenceStats().size() > limits.maxFeatures()) {
      throw tooLarge("manifest has reference statistics for " + m.referenceStats().size() + " features, the limit is "
          + limits.maxFeatures());
    }
    Map<String, Integer> statsPerInput = new HashMap<>();
    Map<String, Integer> channelAxes = new HashMap<>();
    for (FeatureStats s : m.referenceStats()) {
      TensorSpec in = inputs.get(s.input());
      if (in == null) {
        throw new BundleException(Reason.MALFORMED, "reference statistics name input '" + s.input()
            + "' which the manifest does not declare");
      }
      if (s.counts().size() > limits.maxBinsPerFeature()) {
        throw tooLarge("feature " + s.feature() + " has " + s.counts().size() + " bins, the limit is "
            + limits.maxBinsPerFeature());
      }
      checkSummary(s, in, limits);
      Integer axis = s.axis() == null ? null : channelAxes.putIfAbsent(s.input(), s.axis());
      if (axis != null && !axis.equals(s.axis())) {
        throw new BundleException(Reason.MALFORMED, "input " + in.name() + " has channel statistics on axes " + axis
            + " and " + s.axis() + "; one axis an input");
      }
      String key = s.input() + "\u0000" + s.summary().wireName();
      int n = statsPerInput.merge(key, 1, Integer::sum);
      long width = valuesPerRow(in);
      if (s.summary() == FeatureStats.Summary.FEATURE && n > width) {
        throw tooLarge("input " + in.name() + " holds " + width + " values per row but has reference statistics for more features");
      }
      if (s.summary() == FeatureStats.Summary.VALUES && n > 1) {
        throw new BundleException(Reason.MALFORMED, "input " + in.name() + " has more than one 'values' summary");
      }
    }
  }

  /** A channel summary must name an axis the input has and, when that axis is fixed, a channel on it. */
  private static void checkSummary(FeatureStats s, TensorSpec in, BundleLimits limits) throws BundleException {
    if (s.summary() != FeatureStats.Summary.CHANNEL) {
      return;
    }
    int rank = in.shape().size();
    if (s.axis() >= rank) {
      throw new BundleException(Reason.MALFORMED, "reference statistics " + s.feature() + " of input '" + in.name()
          + "' summarise axis " + s.axis() + " but the input has rank " + rank);
    }
    if (s.index() >= limits.maxFeatures()) {
      throw tooLarge("reference statistics " + s.feature() + " of input '" + in.name() + "' summarise channel "
          + s.index() + "; channels are numbered below the limit of " + limits.maxFeatures());
    }
    long size = in.shape().get(s.axis());
    if (size >= 0 && s.index() >= size) {
      throw new BundleException(Reason.MALFORMED, "reference statistics " + s.feature() + " of input '" + in.name()
          + "' summarise channel " + s.index() + " of axis " + s.axis() + ", which has " + size);
    }
  }

  private static void checkFeatures(TensorSpec in, BundleLimits limits) throws BundleException {
    if (in.features() == null) {
      return;
    }
    long width = valuesPerRow(in);
    if (in.features().size() > width || in.features().size() > limits.maxFeatures()) {
      throw tooLarge("input " + in.name() + " names " + in.features().size() + " features but holds " + width
          + " values per row (and the limit is " + limits.maxFeatures() + ")");
    }
  }

  /**
   * Values in one row of the input: the product of its dimensions after the first (the batch).
   * A dynamic dimension there (-1) leaves the width open, and only the limit bounds the features.
   */
  private static long valuesPerRow(TensorSpec in) {
    long n = 1;
    for (int i = in.shape().size() > 1 ? 1 : 0; i < in.shape().size(); i++) {
      long d = in.shape().get(i);
      if (d < 0 || d > Long.MAX_VALUE / Math.max(n, 1)) {
        return Long.MAX_VALUE;
      }
      n *= d;
    }
    return n;
  }

  private static BundleException tooLarge(String message) {
    return new BundleException(Reason.TOO_LARGE, message);
  }
}
