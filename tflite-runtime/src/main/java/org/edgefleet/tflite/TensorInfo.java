package org.edgefleet.tflite;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;

/**
 * One input or output as the model declares it: its name (the signature's name when the model has
 * signatures, else the tensor's), element type, shape with -1 for a dynamic dimension, and its
 * quantization if it is quantized.
 */
public record TensorInfo(String name, DType dtype, long[] shape, Optional<QuantParams> quantization) {

  public TensorInfo {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  public TensorSpec toSpec() {
    return new TensorSpec(name, dtype, Arrays.stream(shape).boxed().toList());
  }

  public boolean isDynamic() {
    return Arrays.stream(shape).anyMatch(d -> d == -1);
  }

  /** Whether a tensor of {@code actual} shape fits this one (same rank, fixed dimensions equal). */
  boolean accepts(long[] actual) {
    if (actual.length != shape.length) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] != -1 && shape[i] != actual[i]) {
        return false;
      }
    }
    return true;
  }

  static List<String> names(List<TensorInfo> infos) {
    return infos.stream().map(TensorInfo::name).toList();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
        && quantization.equals(t.quantization);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * name.hashCode() + Arrays.hashCode(shape)) + dtype.hashCode();
  }

  @Override
  public String toString() {
    return name + " " + dtype.wireName() + Arrays.toString(shape) + quantization.map(q -> " " + q).orElse("");
  }
}
