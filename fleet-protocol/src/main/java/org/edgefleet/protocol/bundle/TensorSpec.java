package org.edgefleet.protocol.bundle;

import java.util.List;
import org.edgefleet.protocol.tensor.DType;

/**
 * One model input or output. A dimension of -1 is dynamic (the batch, usually). For inputs,
 * {@code features} names the columns of the last dimension (used for drift statistics), and
 * {@code preprocessing} says how raw values are scaled before they reach the model.
 */
public record TensorSpec(String name, DType dtype, List<Long> shape, List<String> features,
    Preprocessing preprocessing) {

  public TensorSpec {
    Names.require(name, "tensor name");
    if (dtype == null) {
      throw new IllegalArgumentException("tensor " + name + " needs a dtype");
    }
    if (shape == null) {
      throw new IllegalArgumentException("tensor " + name + " needs a shape");
    }
    for (Long d : shape) {
      if (d == null || d < -1) {
        throw new IllegalArgumentException("tensor " + name + " has an invalid dimension " + d);
      }
    }
    shape = List.copyOf(shape);
    features = features == null ? null : List.copyOf(features);
  }

  public TensorSpec(String name, DType dtype, List<Long> shape) {
    this(name, dtype, shape, null, null);
  }

  /** Per-feature affine pre-processing: {@code x' = x * scale + offset}. */
  public record Preprocessing(List<Double> scale, List<Double> offset) {
    public Preprocessing {
      if (scale == null || offset == null || scale.size() != offset.size()) {
        throw new IllegalArgumentException("preprocessing needs scale and offset of the same length");
      }
      scale = List.copyOf(scale);
      offset = List.copyOf(offset);
    }
  }
}
