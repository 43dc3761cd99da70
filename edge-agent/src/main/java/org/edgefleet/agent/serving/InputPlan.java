package org.edgefleet.agent.serving;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.PredictionException;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * The manifest's input specs, compiled once per model version into arrays, so that checking a
 * call's inputs is a few comparisons. Dynamic dimensions that share a symbolic name ({@code dims}
 * in the manifest) must have one size across the inputs of a call. Declared pre-processing ({@code x * scale + offset} per
 * column of the last dimension) is applied here, to application calls and test vectors alike.
 */
final class InputPlan {

  private final String label;
  private final String[] names;
  private final DType[] dtypes;
  private final long[][] shapes;
  private final float[][] scale;
  private final float[][] offset;
  private final boolean preprocessing;
  /** Per input and axis, the index of its symbolic dimension name in {@link #dimNames}, or -1. */
  private final int[][] dimIds;
  private final String[] dimNames;

  InputPlan(Manifest manifest) {
    label = "model " + manifest.name() + " v" + manifest.version();
    List<TensorSpec> specs = manifest.inputs();
    int n = specs.size();
    names = new String[n];
    dtypes = new DType[n];
    shapes = new long[n][];
    scale = new float[n][];
    offset = new float[n][];
    boolean any = false;
    for (int i = 0; i < n; i++) {
      TensorSpec s = specs.get(i);
      names[i] = s.name();
      dtypes[i] = s.dtype();
      shapes[i] = s.shape().stream().mapToLong(Long::longValue).toArray();
      if (s.preprocessing() != null) {
        compilePreprocessing(i, s);
        any = true;
      }
    }
    preprocessing = any;
    Map<String, Integer> ids = new HashMap<>();
    dimIds = new int[n][];
    for (int i = 0; i < n; i++) {
      TensorSpec s = specs.get(i);
      dimIds[i] = new int[shapes[i].length];
      for (int d = 0; d < shapes[i].length; d++) {
        String dim = s.dimName(d);
        dimIds[i][d] = dim == null ? -1 : ids.computeIfAbsent(dim, k -> ids.size());
      }
    }
    dimNames = new String[ids.size()];
    ids.forEach((name, id) -> dimNames[id] = name);
  }

  private void compilePreprocessing(int i, TensorSpec s) {
    long columns = shapes[i].length == 0 ? -1 : shapes[i][shapes[i].length - 1];
    int k = s.preprocessing().scale().size();
    if (s.dtype() != DType.FLOAT32 || columns != k) {
      throw new IllegalArgumentException(label + ": pre-processing of input '" + s.name()
          + "' needs a float32 input whose last dimension is fixed at " + k);
    }
    scale[i] = new float[k];
    offset[i] = new float[k];
    for (int j = 0; j < k; j++) {
      scale[i][j] = s.preprocessing().scale().get(j).floatValue();
      offset[i][j] = s.preprocessing().offset().get(j).floatValue();
    }
  }

  /** Checks the inputs and returns what the session gets: the same map unless pre-processing applies. */
  Map<String, Tensor> prepare(Map<String, Tensor> inputs) throws PredictionException {
    if (inputs == null || inputs.size() != names.length) {
      throw mismatch("expects inputs " + Arrays.toString(names) + " but got " + (inputs == null ? "none" : inputs.keySet()));
    }
    for (int i = 0; i < names.length; i++) {
      Tensor t = inputs.get(names[i]);
      if (t == null) {
        throw mismatch("expects inputs " + Arrays.toString(names) + " but got " + inputs.keySet());
      }
      if (t.dtype() != dtypes[i] || !fits(t, shapes[i])) {
        throw mismatch("expects input '" + names[i] + "' as " + dtypes[i].wireName() + " " + Arrays.toString(shapes[i])
            + " (-1: any size) but got " + t.dtype().wireName() + " " + Arrays.toString(t.shape()));
      }
    }
    if (dimNames.length > 0) {
      checkSharedDims(inputs);
    }
    return preprocessing ? preprocess(inputs) : inputs;
  }

  private void checkSharedDims(Map<String, Tensor> inputs) throws PredictionException {
    long[] size = new long[dimNames.length];
    int[] first = new int[dimNames.length];
    java.util.Arrays.fill(size, -1);
    for (int i = 0; i < names.length; i++) {
      Tensor t = inputs.get(names[i]);
      for (int d = 0; d < dimIds[i].length; d++) {
        int id = dimIds[i][d];
        if (id < 0) {
          continue;
        }
        if (size[id] < 0) {
          size[id] = t.dim(d);
          first[id] = i;
        } else if (size[id] != t.dim(d)) {
          throw mismatch("expects inputs '" + names[first[id]] + "' and '" + names[i] + "' to share dimension '"
              + dimNames[id] + "' but got " + size[id] + " and " + t.dim(d));
        }
      }
    }
  }

  private Map<String, Tensor> preprocess(Map<String, Tensor> inputs) {
    Map<String, Tensor> out = new HashMap<>(inputs);
    for (int i = 0; i < names.length; i++) {
      if (scale[i] == null) {
        continue;
      }
      Tensor t = inputs.get(names[i]);
      float[] raw = t.floats();
      float[] scaled = new float[raw.length];
      int k = scale[i].length;
      for (int j = 0; j < raw.length; j++) {
        scaled[j] = raw[j] * scale[i][j % k] + offset[i][j % k];
      }
      out.put(names[i], Tensor.ofFloats(t.shape(), scaled));
    }
    return out;
  }

  // Reads the shape in place: predict is the hot path, and shape() copies.
  private static boolean fits(Tensor actual, long[] spec) {
    if (actual.rank() != spec.length) {
      return false;
    }
    for (int d = 0; d < spec.length; d++) {
      if (spec[d] != -1 && spec[d] != actual.dim(d)) {
        return false;
      }
    }
    return true;
  }

  private PredictionException mismatch(String what) {
    return new PredictionException(PredictionException.Reason.INPUT_MISMATCH, label + " " + what);
  }
}
