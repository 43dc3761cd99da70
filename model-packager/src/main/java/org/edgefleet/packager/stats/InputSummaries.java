package org.edgefleet.packager.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.edgefleet.packager.PackagingException;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.bundle.FeatureStats;
import org.edgefleet.protocol.bundle.FeatureStats.Summary;
import org.edgefleet.protocol.bundle.LiveHistograms;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Reference statistics of every input over calibration calls. A tabular input ([batch, n] with
 * named features) gets a histogram per feature; an input with a chosen axis ({@code --stats-axis
 * INPUT=AXIS}) one per channel on it; any other input one histogram of all its values. Edges come
 * from the binning strategy; counts are made by {@link LiveHistograms}, the rule devices use.
 */
public final class InputSummaries {

  private final ReferenceHistograms histograms;
  private final Map<String, Integer> axes;

  public InputSummaries(ReferenceHistograms histograms, Map<String, Integer> axes) {
    this.histograms = histograms;
    this.axes = Map.copyOf(axes);
  }

  public List<FeatureStats> compute(List<TensorSpec> inputs, List<Map<String, Tensor>> calls) throws PackagingException {
    for (String name : axes.keySet()) {
      if (inputs.stream().noneMatch(s -> s.name().equals(name))) {
        throw new PackagingException("--stats-axis " + name + "=...: the model has no input '" + name + "'");
      }
    }
    List<FeatureStats> all = new ArrayList<>();
    for (TensorSpec spec : inputs) {
      List<Tensor> tensors = calls.stream().map(c -> c.get(spec.name())).toList();
      List<FeatureStats> edges = edges(spec, tensors);
      LiveHistograms live = LiveHistograms.forInput(spec, edges);
      tensors.forEach(live::add);
      all.addAll(live.toStats());
    }
    if (all.size() > BundleLimits.DEFAULT.maxFeatures()) {
      throw new PackagingException("reference statistics would hold " + all.size() + " histograms, devices accept "
          + BundleLimits.DEFAULT.maxFeatures() + ": choose a smaller --stats-axis");
    }
    return List.copyOf(all);
  }

  private List<FeatureStats> edges(TensorSpec spec, List<Tensor> tensors) throws PackagingException {
    Integer axis = axes.get(spec.name());
    if (axis == null && spec.features() != null && spec.shape().size() == 2) {
      List<FeatureStats> out = new ArrayList<>();
      int width = spec.features().size();
      for (int c = 0; c < width; c++) {
        out.add(empty(spec, spec.features().get(c), values(tensors, c, width, 1), Summary.FEATURE, null, null));
      }
      return out;
    }
    if (axis == null) {
      return List.of(empty(spec, "values", values(tensors, 0, 1, 1), Summary.VALUES, null, null));
    }
    if (axis < 0 || axis >= spec.shape().size() || spec.shape().get(axis) < 1) {
      throw new PackagingException("--stats-axis " + spec.name() + "=" + axis + ": input '" + spec.name()
          + "' has shape " + spec.shape() + "; the axis must be one of its fixed dimensions");
    }
    int channels = Math.toIntExact(spec.shape().get(axis));
    long stride = 1;
    for (int d = axis + 1; d < spec.shape().size(); d++) {
      stride *= spec.shape().get(d);
    }
    List<FeatureStats> out = new ArrayList<>();
    for (int c = 0; c < channels; c++) {
      out.add(empty(spec, "axis " + axis + " = " + c, values(tensors, c, channels, stride),
          Summary.CHANNEL, axis, c));
    }
    return out;
  }

  /** Values at positions whose {@code (i / stride) % period == index}; period 1 takes every value. */
  private static double[] values(List<Tensor> tensors, int index, int period, long stride) {
    int total = tensors.stream().mapToInt(Tensor::size).sum();
    double[] out = new double[period == 1 ? total : total / period + 1];
    int n = 0;
    for (Tensor t : tensors) {
      for (int i = 0; i < t.size(); i++) {
        if (period == 1 || (i / stride) % period == index) {
          if (n == out.length) {
            out = Arrays.copyOf(out, out.length * 2);
          }
          out[n++] = t.get(i);
        }
      }
    }
    return Arrays.copyOf(out, n);
  }

  private FeatureStats empty(TensorSpec spec, String feature, double[] values, Summary summary, Integer axis, Integer index)
      throws PackagingException {
    if (values.length == 0) {
      throw new PackagingException("input '" + spec.name() + "' has no calibration values for " + feature);
    }
    for (double v : values) {
      if (!Double.isFinite(v)) {
        throw new PackagingException("input '" + spec.name() + "' has a non-finite calibration value in " + feature
            + ": fix the calibration data");
      }
    }
    List<Double> edges = histograms.edges(values);
    return new FeatureStats(spec.name(), feature, edges, Collections.nCopies(edges.size() - 1, 0L), summary, axis, index);
  }
}
