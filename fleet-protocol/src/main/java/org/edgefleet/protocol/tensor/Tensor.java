package org.edgefleet.protocol.tensor;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;

/**
 * A dense, typed, row-major tensor. Floating types hold their values in {@link #floats()},
 * integer types in {@link #longs()}. The arrays are shared, not copied, because tensors sit on
 * the inference hot path: treat them as read-only once built.
 */
public final class Tensor {

  private final DType dtype;
  private final long[] shape;
  private final float[] floats;
  private final long[] longs;

  private Tensor(DType dtype, long[] shape, float[] floats, long[] longs) {
    this.dtype = dtype;
    this.shape = shape;
    this.floats = floats;
    this.longs = longs;
    long expected = elementCount(shape);
    int actual = floats != null ? floats.length : longs.length;
    if (expected != actual) {
      throw new IllegalArgumentException("tensor shape " + Arrays.toString(shape) + " needs "
          + expected + " values but " + actual + " were given");
    }
  }

  public static Tensor ofFloats(long[] shape, float[] data) {
    return ofFloats(DType.FLOAT32, shape, data);
  }

  /** A floating tensor of the given type (float32 or float16, whose values are held widened). */
  public static Tensor ofFloats(DType dtype, long[] shape, float[] data) {
    if (!dtype.isFloating()) {
      throw new IllegalArgumentException(dtype.wireName() + " tensors hold longs, not floats");
    }
    return new Tensor(dtype, shape.clone(), requireNonNull(data), null);
  }

  public static Tensor ofLongs(DType dtype, long[] shape, long[] data) {
    if (dtype.isFloating()) {
      throw new IllegalArgumentException(dtype.wireName() + " tensors hold floats, not longs");
    }
    return new Tensor(dtype, shape.clone(), null, requireNonNull(data));
  }

  /** A batch of one row: shape [1, n]. */
  public static Tensor row(float... values) {
    return ofFloats(new long[] {1, values.length}, values);
  }

  @JsonCreator
  static Tensor fromJson(@JsonProperty("dtype") DType dtype, @JsonProperty("shape") long[] shape,
      @JsonProperty("data") List<Number> data) {
    if (dtype == null || shape == null || data == null) {
      throw new IllegalArgumentException("a tensor needs dtype, shape and data");
    }
    if (dtype.isFloating()) {
      float[] values = new float[data.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = data.get(i).floatValue();
      }
      return new Tensor(dtype, shape, values, null);
    }
    long[] values = new long[data.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = data.get(i).longValue();
    }
    return new Tensor(dtype, shape, null, values);
  }

  public static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("tensor shape " + Arrays.toString(shape) + " has a negative dimension");
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  @JsonProperty("dtype")
  public DType dtype() {
    return dtype;
  }

  @JsonProperty("shape")
  public long[] shape() {
    return shape.clone();
  }

  /** Number of dimensions; with {@link #dim} it reads the shape without copying it. */
  @JsonIgnore
  public int rank() {
    return shape.length;
  }

  public long dim(int i) {
    return shape[i];
  }

  @JsonIgnore
  public float[] floats() {
    if (floats == null) {
      throw new IllegalStateException(dtype.wireName() + " tensor has no float values");
    }
    return floats;
  }

  @JsonIgnore
  public long[] longs() {
    if (longs == null) {
      throw new IllegalStateException(dtype.wireName() + " tensor has no integer values");
    }
    return longs;
  }

  @JsonIgnore
  public int size() {
    return floats != null ? floats.length : longs.length;
  }

  /** Value i as a double, whatever the dtype. */
  public double get(int i) {
    return floats != null ? floats[i] : longs[i];
  }

  @JsonProperty("data")
  Object data() {
    return floats != null ? floats : longs;
  }

  private static <T> T requireNonNull(T data) {
    if (data == null) {
      throw new IllegalArgumentException("tensor data must not be null");
    }
    return data;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && dtype == t.dtype && Arrays.equals(shape, t.shape)
        && Arrays.equals(floats, t.floats) && Arrays.equals(longs, t.longs);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(floats) + Arrays.hashCode(longs);
  }

  @Override
  public String toString() {
    return "Tensor[" + dtype.wireName() + " " + Arrays.toString(shape) + "]";
  }
}
