package org.edgefleet.packager.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.edgefleet.protocol.bundle.FeatureStats;

/**
 * Per-feature reference histograms of calibration data, the baseline devices and the server
 * measure drift against. Counts are computed with {@link FeatureStats#binOf}, the same rule
 * devices bin live values with (values outside the edges go to the outer bins).
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

  /**
   * One histogram per column.
   *
   * @param input    the model input the columns belong to
   * @param features the column names, in column order
   * @param rows     calibration rows, each as wide as {@code features}
   */
  public List<FeatureStats> compute(String input, List<String> features, float[][] rows) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("calibration data has no rows; histograms need at least one");
    }
    List<FeatureStats> stats = new ArrayList<>(features.size());
    for (int c = 0; c < features.size(); c++) {
      double[] values = new double[rows.length];
      for (int r = 0; r < rows.length; r++) {
        values[r] = rows[r][c];
      }
      Arrays.sort(values);
      List<Double> edges = binning == Binning.QUANTILE ? quantileEdges(values) : equalWidthEdges(values);
      stats.add(histogram(input, features.get(c), edges, values));
    }
    return List.copyOf(stats);
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

  private static FeatureStats histogram(String input, String feature, List<Double> edges, double[] values) {
    FeatureStats empty = new FeatureStats(input, feature, edges, Collections.nCopies(edges.size() - 1, 0L));
    long[] counts = new long[edges.size() - 1];
    for (double v : values) {
      counts[empty.binOf(v)]++;
    }
    return new FeatureStats(input, feature, edges, Arrays.stream(counts).boxed().toList());
  }
}
