package org.edgefleet.protocol.bundle;

import java.util.List;

/**
 * Reference distribution of one input feature, from the calibration data: {@code counts[i]}
 * values fell in {@code [binEdges[i], binEdges[i+1])}. Devices bin live inputs on the same edges
 * (values outside go to the first or last bin) so drift is measured without sending raw data.
 */
public record FeatureStats(String input, String feature, List<Double> binEdges, List<Long> counts) {

  public FeatureStats {
    Names.require(input, "input name");
    if (feature == null || feature.isBlank()) {
      throw new IllegalArgumentException("feature statistics need a feature name");
    }
    if (binEdges == null || counts == null || binEdges.size() < 2 || counts.size() != binEdges.size() - 1) {
      throw new IllegalArgumentException("feature " + feature + ": need n+1 bin edges for n counts");
    }
    for (int i = 1; i < binEdges.size(); i++) {
      if (!(binEdges.get(i) > binEdges.get(i - 1))) {
        throw new IllegalArgumentException("feature " + feature + ": bin edges must be strictly increasing");
      }
    }
    for (Long c : counts) {
      if (c == null || c < 0) {
        throw new IllegalArgumentException("feature " + feature + ": counts must be non-negative");
      }
    }
    binEdges = List.copyOf(binEdges);
    counts = List.copyOf(counts);
  }

  /** The bin a value falls in, clamping values outside the edges to the outer bins. */
  public int binOf(double value) {
    int lo = 0;
    int hi = counts.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (value >= binEdges.get(mid)) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
