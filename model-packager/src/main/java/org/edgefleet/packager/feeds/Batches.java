package org.edgefleet.packager.feeds;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.Tensor;

/** Slicing tensors along their first axis and stacking calls into one batch. */
public final class Batches {

  private Batches() {}

  /** Entry {@code k} of {@code t}'s first axis, keeping that axis with size 1 when {@code keepAxis}. */
  public static Tensor slice(Tensor t, int k, boolean keepAxis) {
    long[] shape = t.shape();
    long[] rest = new long[shape.length - 1];
    System.arraycopy(shape, 1, rest, 0, rest.length);
    int n = Math.toIntExact(Tensor.elementCount(rest));
    long[] out = rest;
    if (keepAxis) {
      out = shape.clone();
      out[0] = 1;
    }
    if (t.dtype().isFloating()) {
      float[] values = new float[n];
      System.arraycopy(t.floats(), k * n, values, 0, n);
      return Tensor.ofFloats(t.dtype(), out, values);
    }
    long[] values = new long[n];
    System.arraycopy(t.longs(), k * n, values, 0, n);
    return Tensor.ofLongs(t.dtype(), out, values);
  }

  /** Samples of one shape stacked on a new leading axis. */
  public static Tensor stackSamples(List<Tensor> samples) {
    long[] one = samples.get(0).shape();
    long[] shape = new long[one.length + 1];
    shape[0] = samples.size();
    System.arraycopy(one, 0, shape, 1, one.length);
    return concat(samples.get(0), shape, samples.stream().map(t -> Map.of("", t)).toList(), "");
  }

  /**
   * The calls concatenated on their first axis, or null when they cannot form one batch: an
   * input of rank 0, a first dimension the model fixes, or calls whose other dimensions differ.
   */
  public static Map<String, Tensor> stack(List<TensorSpec> inputs, List<Map<String, Tensor>> calls) {
    Map<String, Tensor> batch = new HashMap<>();
    for (TensorSpec spec : inputs) {
      if (spec.isScalar() || spec.shape().get(0) != -1) {
        return null;
      }
      Tensor first = calls.get(0).get(spec.name());
      long[] shape = first.shape();
      long rows = 0;
      for (Map<String, Tensor> call : calls) {
        long[] s = call.get(spec.name()).shape();
        if (s.length != shape.length) {
          return null;
        }
        for (int d = 1; d < s.length; d++) {
          if (s[d] != shape[d]) {
            return null;
          }
        }
        rows += s[0];
      }
      shape[0] = rows;
      batch.put(spec.name(), concat(first, shape, calls, spec.name()));
    }
    return batch;
  }

  private static Tensor concat(Tensor first, long[] shape, List<Map<String, Tensor>> calls, String name) {
    int total = Math.toIntExact(Tensor.elementCount(shape));
    int at = 0;
    if (first.dtype().isFloating()) {
      float[] values = new float[total];
      for (Map<String, Tensor> call : calls) {
        float[] part = call.get(name).floats();
        System.arraycopy(part, 0, values, at, part.length);
        at += part.length;
      }
      return Tensor.ofFloats(first.dtype(), shape, values);
    }
    long[] values = new long[total];
    for (Map<String, Tensor> call : calls) {
      long[] part = call.get(name).longs();
      System.arraycopy(part, 0, values, at, part.length);
      at += part.length;
    }
    return Tensor.ofLongs(first.dtype(), shape, values);
  }
}
