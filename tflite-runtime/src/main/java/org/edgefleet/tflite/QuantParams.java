package org.edgefleet.tflite;

import java.util.Arrays;
import org.edgefleet.protocol.tensor.DType;

/**
 * Affine quantization of one tensor: {@code real = scale * (q - zeroPoint)}. One scale and zero
 * point per tensor, or one per slice along {@code axis} (per-channel weights). Validated against
 * the tensor's element type and shape when read from the model, so a model with a zero scale or
 * a zero point outside its type's range is refused at load, not discovered in a wrong output.
 */
public record QuantParams(float[] scales, long[] zeroPoints, int axis) {

  public QuantParams {
    if (scales.length == 0 || scales.length != zeroPoints.length) {
      throw new IllegalArgumentException("quantization needs as many zero points as scales (" + scales.length
          + " scales, " + zeroPoints.length + " zero points)");
    }
    for (float s : scales) {
      if (!(s > 0) || Float.isInfinite(s)) {
        throw new IllegalArgumentException("quantization scale " + s + " is not a positive finite number");
      }
    }
    scales = scales.clone();
    zeroPoints = zeroPoints.clone();
  }

  public static QuantParams perTensor(float scale, long zeroPoint) {
    return new QuantParams(new float[] {scale}, new long[] {zeroPoint}, 0);
  }

  public boolean isPerAxis() {
    return scales.length > 1;
  }

  /** The single scale of a per-tensor quantization. */
  public float scale() {
    requirePerTensor();
    return scales[0];
  }

  /** The single zero point of a per-tensor quantization. */
  public long zeroPoint() {
    requirePerTensor();
    return zeroPoints[0];
  }

  public float[] scales() {
    return scales.clone();
  }

  public long[] zeroPoints() {
    return zeroPoints.clone();
  }

  /** Real value of quantized value {@code q} (per-tensor). */
  public double dequantize(long q) {
    return scale() * (double) (q - zeroPoint());
  }

  /** Nearest quantized value of {@code real}, clamped to the range of {@code dtype} (per-tensor). */
  public long quantize(double real, DType dtype) {
    long q = Math.round(real / scale()) + zeroPoint();
    return Math.max(TfliteTypes.min(dtype), Math.min(TfliteTypes.max(dtype), q));
  }

  /** Checks the zero points fit {@code dtype} and a per-axis count matches the tensor's dimension. */
  void check(String tensor, DType dtype, long[] shape) throws TfliteException {
    for (long z : zeroPoints) {
      if (z < TfliteTypes.min(dtype) || z > TfliteTypes.max(dtype)) {
        throw new TfliteException("tensor '" + tensor + "' has zero point " + z + ", outside the range of "
            + dtype.wireName(), false);
      }
    }
    if (isPerAxis() && (axis < 0 || axis >= shape.length || shape[axis] != scales.length)) {
      throw new TfliteException("tensor '" + tensor + "' has " + scales.length + " scales along axis " + axis
          + " but shape " + Arrays.toString(shape), false);
    }
  }

  private void requirePerTensor() {
    if (isPerAxis()) {
      throw new IllegalStateException("quantized per axis " + axis + " with " + scales.length + " scales");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuantParams q && axis == q.axis && Arrays.equals(scales, q.scales)
        && Arrays.equals(zeroPoints, q.zeroPoints);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(scales) + Arrays.hashCode(zeroPoints)) + axis;
  }

  @Override
  public String toString() {
    return isPerAxis() ? "QuantParams[axis " + axis + ", " + scales.length + " scales]"
        : "QuantParams[scale " + scales[0] + ", zero point " + zeroPoints[0] + "]";
  }
}
