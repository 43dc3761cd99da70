package org.edgefleet.packager.sample;

import java.util.Arrays;
import java.util.Objects;
import org.edgefleet.packager.quantize.SymmetricInt8;

/**
 * Symmetric per-tensor int8 quantization of one weight matrix of the sample model:
 * {@code w ~= q * scale}, the rounding of {@link SymmetricInt8} with one scale.
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
    SymmetricInt8 q = SymmetricInt8.perTensor(weights);
    return new Int8Weights(q.values(), q.scales()[0]);
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
