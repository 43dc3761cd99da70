package org.edgefleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.edgefleet.protocol.tensor.DType;

/**
 * One model input or output. A dimension of -1 is dynamic (the batch, usually). {@code dims}, when
 * present, holds the model's symbolic name of each dynamic dimension ({@code "batch"}, {@code
 * "seq"}; null for a fixed or unnamed one), so that a reader knows which inputs and outputs share
 * a size. For inputs, {@code features} names the columns of the last dimension (used for drift
 * statistics), and {@code preprocessing} says how raw values are scaled before they reach the model.
 */
public record TensorSpec(String name, DType dtype, List<Long> shape, List<String> features,
    Preprocessing preprocessing, List<String> dims) {

  public TensorSpec {
    Names.requireTensorName(name, "tensor name");
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
    dims = dims == null || dims.stream().allMatch(d -> d == null) ? null : checkedDims(name, shape, dims);
  }

  public TensorSpec(String name, DType dtype, List<Long> shape, List<String> features, Preprocessing preprocessing) {
    this(name, dtype, shape, features, preprocessing, null);
  }

  public TensorSpec(String name, DType dtype, List<Long> shape) {
    this(name, dtype, shape, null, null, null);
  }

  /** The symbolic name of dimension {@code i}, or null when it is fixed or the model names it not. */
  public String dimName(int i) {
    return dims == null ? null : dims.get(i);
  }

  /** Rank 0: a scalar. */
  @JsonIgnore
  public boolean isScalar() {
    return shape.isEmpty();
  }

  /** This spec with the given symbolic dimension names (null entries for unnamed ones). */
  public TensorSpec withDims(List<String> dimNames) {
    return new TensorSpec(name, dtype, shape, features, preprocessing, dimNames);
  }

  /** This spec naming the columns of its last dimension. */
  public TensorSpec withFeatures(List<String> featureNames) {
    return new TensorSpec(name, dtype, shape, featureNames, preprocessing, dims);
  }

  private static List<String> checkedDims(String name, List<Long> shape, List<String> dims) {
    if (dims.size() != shape.size()) {
      throw new IllegalArgumentException("tensor " + name + " names " + dims.size() + " dimensions but has "
          + shape.size());
    }
    for (int i = 0; i < dims.size(); i++) {
      String d = dims.get(i);
      if (d != null) {
        Names.requireTensorName(d, "tensor " + name + " dimension " + i + " name");
        if (shape.get(i) != -1) {
          throw new IllegalArgumentException("tensor " + name + " names dimension " + i + " '" + d
              + "' but that dimension is fixed at " + shape.get(i));
        }
      }
    }
    return Collections.unmodifiableList(new ArrayList<>(dims));
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
