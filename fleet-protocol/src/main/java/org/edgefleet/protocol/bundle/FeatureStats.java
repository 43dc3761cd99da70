package org.edgefleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * Reference distribution of part of one input, from the calibration data: {@code counts[i]} values
 * fell in {@code [binEdges[i], binEdges[i+1])}. Devices bin live inputs on the same edges (values
 * outside go to the first or last bin, see {@link LiveHistograms}) so drift is measured without
 * sending raw data. Which values a histogram covers is its {@link Summary}: one column of a
 * tabular input (the default, and what manifests before summaries meant), one channel of an N-D
 * input on a chosen {@code axis}, or every value of the input.
 */
public record FeatureStats(String input, String feature, List<Double> binEdges, List<Long> counts,
    Summary summary, Integer axis, Integer index) {

  public FeatureStats {
    Names.requireTensorName(input, "input name");
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
    summary = summary == null ? Summary.FEATURE : summary;
    if (summary == Summary.CHANNEL) {
      if (axis == null || axis < 0 || index == null || index < 0) {
        throw new IllegalArgumentException("feature " + feature + ": a channel summary needs an axis and an index >= 0");
      }
    } else if (axis != null || index != null) {
      throw new IllegalArgumentException("feature " + feature + ": only a channel summary has an axis and an index");
    }
    binEdges = List.copyOf(binEdges);
    counts = List.copyOf(counts);
  }

  /** One column of a tabular input, named by {@code feature} among the input's features. */
  public FeatureStats(String input, String feature, List<Double> binEdges, List<Long> counts) {
    this(input, feature, binEdges, counts, Summary.FEATURE, null, null);
  }

  /** The same histogram with other counts (reference counts on edges chosen first). */
  public FeatureStats withCounts(List<Long> newCounts) {
    return new FeatureStats(input, feature, binEdges, newCounts, summary, axis, index);
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

  /** Which values of the input a histogram covers. */
  public enum Summary {
    /** Column {@code features.indexOf(feature)} of the last axis, over every row. */
    FEATURE("feature"),
    /** Every value whose coordinate on {@code axis} is {@code index}, all other axes pooled. */
    CHANNEL("channel"),
    /** Every value of the input. */
    VALUES("values");

    private final String wireName;

    Summary(String wireName) {
      this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
      return wireName;
    }

    @JsonCreator
    public static Summary fromWireName(String name) {
      for (Summary s : values()) {
        if (s.wireName.equals(name)) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown statistics summary '" + name + "' (known: feature, channel, values)");
    }
  }
}
