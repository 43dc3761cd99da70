package org.edgefleet.packager.sample;

import java.util.Arrays;
import java.util.Objects;

/**
 * Symmetric per-tensor int8 quantization: {@code w ~= q * scale} with q in [-127, 127] and a
 * zero point of 0, the form ONNX DequantizeLinear takes. -128 is left unused so that the range
 * is symmetric and negating a weight never saturates.
 */
public record Int8Weights(byte[] values, float scale) {

  public Int8Weights {
    Objects.requireNonNull(values, "values must not be null");
    if (!(scale > 0) || Float.isInfinite(scale)) {
      throw new IllegalArgumentException("scale must be a positive finite number, got " + scale);
    }
    values = values.clone();
  }

  public static Int8Weights quantize(float[] weights) {
    float maxAbs = 0;
    for (float w : weights) {
      maxAbs = Math.max(maxAbs, Math.abs(w));
    }
    // An all-zero tensor still needs a valid scale; any positive value reproduces zeros.
    float scale = maxAbs > 0 ? maxAbs / 127f : 1f;
    byte[] q = new byte[weights.length];
    for (int i = 0; i < weights.length; i++) {
      q[i] = (byte) Math.max(-127, Math.min(127, Math.round(weights[i] / scale)));
    }
    return new Int8Weights(q, scale);
  }

  @Override
  public byte[] values() {
    return values.clone();
  }

  /** {@code q * scale} in float, the arithmetic DequantizeLinear uses. */
  public float[] dequantize() {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i] * scale;
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Int8Weights other && scale == other.scale && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(values) + Float.hashCode(scale);
  }

  @Override
  public String toString() {
    return "Int8Weights[" + values.length + " values, scale=" + scale + "]";
  }
}
