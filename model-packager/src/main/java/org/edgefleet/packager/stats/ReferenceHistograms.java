package org.edgefleet.packager.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Bin edges of reference histograms, the baseline devices and the server measure drift against:
 * quantile bins (equal shares, ties merged) or equal-width bins. {@link InputSummaries} decides
 * which values each histogram covers and counts them by the devices' rule.
 */
public final class ReferenceHistograms {

  public static final int DEFAULT_BINS = 10;
  public static final int MAX_BINS = 1_000;

  private final Binning binning;
  private final int bins;

  private ReferenceHistograms(Binning binning, int bins) {
    this.binning = binning;
    this.bins = bins;
  }

  public static ReferenceHistograms of(Binning binning, int bins) {
    Objects.requireNonNull(binning, "binning must not be null");
    if (bins < 1 || bins > MAX_BINS) {
      throw new IllegalArgumentException("bins must be between 1 and " + MAX_BINS + ", got " + bins);
    }
    return new ReferenceHistograms(binning, bins);
  }

  /** Bin edges for these values by the chosen strategy (the values are copied, then sorted). */
  public List<Double> edges(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return binning == Binning.QUANTILE ? quantileEdges(sorted) : equalWidthEdges(sorted);
  }

  private List<Double> quantileEdges(double[] sorted) {
    List<Double> edges = new ArrayList<>(bins + 1);
    for (int i = 0; i < bins; i++) {
      double edge = sorted[(int) ((long) i * sorted.length / bins)];
      if (edges.isEmpty() || edge > edges.get(edges.size() - 1)) {
        edges.add(edge);
      }
    }
    return closed(edges, sorted[sorted.length - 1]);
  }

  private List<Double> equalWidthEdges(double[] sorted) {
    double min = sorted[0];
    double max = sorted[sorted.length - 1];
    List<Double> edges = new ArrayList<>(bins + 1);
    edges.add(min);
    for (int i = 1; i < bins; i++) {
      double edge = min + (max - min) * i / bins;
      if (edge > edges.get(edges.size() - 1)) {
        edges.add(edge);
      }
    }
    return closed(edges, max);
  }

  /**
   * Adds the upper edge. The largest value lands in the last bin because binOf clamps to it.
   * When the last lower edge already is the largest value (a constant feature, or a pile of
   * ties at the top), that value gets a bin of its own, of a nominal width.
   */
  private static List<Double> closed(List<Double> edges, double max) {
    double last = edges.get(edges.size() - 1);
    edges.add(max > last ? max : last + Math.max(Math.abs(last) * 1e-6, 1e-6));
    return edges;
  }
}
