package org.edgefleet.protocol.bundle;

import java.util.stream.Collectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Bins tensors of one input on the edges of its reference statistics, by each histogram's
 * {@link FeatureStats.Summary}. The packager computes reference counts with it and devices bin
 * live inputs with it, so both sides count by the same rule. One pass over the values, a binary
 * search per value and histogram that covers it: cheap enough for every call on a device.
 * Not thread-safe; give each thread its own, or lock.
 */
public final class LiveHistograms {

  private final TensorSpec spec;
  private final List<FeatureStats> stats;
  private final long[][] counts;
  /** Each histogram's edges unboxed: the binary search runs on arrays, not on lists of Double. */
  private final double[][] edges;
  private final int[] featureColumns;
  private final int[] valueStats;
  private final int channelAxis;
  private final int[] channelStats;

  private LiveHistograms(TensorSpec spec, List<FeatureStats> stats) {
    this.spec = spec;
    this.stats = List.copyOf(stats);
    this.counts = new long[stats.size()][];
    this.edges = new double[stats.size()][];
    List<Integer> columns = new ArrayList<>();
    List<Integer> values = new ArrayList<>();
    int axis = -1;
    int maxIndex = -1;
    for (int s = 0; s < stats.size(); s++) {
      FeatureStats f = stats.get(s);
      if (!f.input().equals(spec.name())) {
        throw new IllegalArgumentException("statistics of input '" + f.input() + "' given for input '" + spec.name() + "'");
      }
      counts[s] = new long[f.counts().size()];
      edges[s] = f.binEdges().stream().mapToDouble(Double::doubleValue).toArray();
      switch (f.summary()) {
        case FEATURE -> {
          int column = spec.features() == null ? -1 : spec.features().indexOf(f.feature());
          if (column < 0) {
            throw new IllegalArgumentException("input '" + spec.name() + "' names no feature '" + f.feature() + "'");
          }
          columns.add(s);
          columns.add(column);
        }
        case VALUES -> values.add(s);
        case CHANNEL -> {
          if (axis >= 0 && f.axis() != axis) {
            throw new IllegalArgumentException("input '" + spec.name() + "' has channel statistics on axes " + axis
                + " and " + f.axis() + "; one axis an input");
          }
          if (f.axis() >= spec.shape().size()) {
            throw new IllegalArgumentException("input '" + spec.name() + "' has rank " + spec.shape().size()
                + " but channel statistics on axis " + f.axis());
          }
          axis = f.axis();
          maxIndex = Math.max(maxIndex, f.index());
        }
      }
    }
    this.featureColumns = columns.stream().mapToInt(Integer::intValue).toArray();
    this.valueStats = values.stream().mapToInt(Integer::intValue).toArray();
    this.channelAxis = axis;
    this.channelStats = new int[maxIndex + 1];
    Arrays.fill(channelStats, -1);
    for (int s = 0; s < stats.size(); s++) {
      if (stats.get(s).summary() == FeatureStats.Summary.CHANNEL) {
        channelStats[stats.get(s).index()] = s;
      }
    }
  }

  /** Histograms for {@code spec} from those of {@code all} that belong to it (in their order). */
  public static LiveHistograms forInput(TensorSpec spec, List<FeatureStats> all) {
    return new LiveHistograms(spec, all.stream().filter(f -> f.input().equals(spec.name())).collect(Collectors.toList()));
  }

  public TensorSpec input() {
    return spec;
  }

  /** The histograms this bins into, in the order of {@link #counts()}. */
  public List<FeatureStats> stats() {
    return stats;
  }

  /** Bins every value of one tensor of this input (a checked model input: same rank as the spec). */
  public void add(Tensor t) {
    if (t.rank() != spec.shape().size()) {
      throw new IllegalArgumentException("input '" + spec.name() + "' has rank " + spec.shape().size()
          + ", the tensor " + t.rank());
    }
    int n = t.size();
    int columnsPerRow = t.rank() == 0 ? 1 : (int) t.dim(t.rank() - 1);
    long stride = 1;
    long channels = 1;
    if (channelAxis >= 0) {
      channels = t.dim(channelAxis);
      for (int d = channelAxis + 1; d < t.rank(); d++) {
        stride *= t.dim(d);
      }
    }
    for (int i = 0; i < n; i++) {
      double v = t.get(i);
      for (int s : valueStats) {
        counts[s][bin(edges[s], v)]++;
      }
      for (int k = 0; k < featureColumns.length; k += 2) {
        if (columnsPerRow > 0 && i % columnsPerRow == featureColumns[k + 1]) {
          int s = featureColumns[k];
          counts[s][bin(edges[s], v)]++;
        }
      }
      if (channelAxis >= 0) {
        long channel = (i / stride) % channels;
        if (channel < channelStats.length && channelStats[(int) channel] >= 0) {
          int s = channelStats[(int) channel];
          counts[s][bin(edges[s], v)]++;
        }
      }
    }
  }

  /** {@link FeatureStats#binOf} on unboxed edges: values outside go to the outer bins. */
  private static int bin(double[] edges, double value) {
    int lo = 0;
    int hi = edges.length - 2;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (value >= edges[mid]) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Counts so far, one array a histogram, in {@link #stats()} order; copies. */
  public long[][] counts() {
    long[][] copy = new long[counts.length][];
    for (int s = 0; s < counts.length; s++) {
      copy[s] = counts[s].clone();
    }
    return copy;
  }

  /**
   * Copies the counts so far into {@code into} (one array a histogram, each as long as the
   * histogram's bins, as {@link #newCounts} makes them) and starts again from zero: one interval's
   * counts without allocating.
   */
  public void drainTo(long[][] into) {
    for (int s = 0; s < counts.length; s++) {
      System.arraycopy(counts[s], 0, into[s], 0, counts[s].length);
      Arrays.fill(counts[s], 0);
    }
  }

  /** Zeroed arrays shaped for {@link #drainTo}. */
  public long[][] newCounts() {
    long[][] out = new long[counts.length][];
    for (int s = 0; s < counts.length; s++) {
      out[s] = new long[counts[s].length];
    }
    return out;
  }

  /** The histograms with the counts so far in place of their own. */
  public List<FeatureStats> toStats() {
    List<FeatureStats> out = new ArrayList<>(stats.size());
    for (int s = 0; s < stats.size(); s++) {
      out.add(stats.get(s).withCounts(Arrays.stream(counts[s]).boxed().collect(Collectors.toList())));
    }
    return List.copyOf(out);
  }
}
