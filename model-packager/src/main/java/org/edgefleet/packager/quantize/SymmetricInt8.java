package org.edgefleet.packager.quantize;

import java.util.Objects;

/**
 * Symmetric int8 quantization of a weight tensor, per tensor or per slice along one axis
 * (per output channel): {@code w ~= q * scale[c]} with q in [-127, 127] and zero point 0, the
 * form DequantizeLinear takes. -128 is left unused so that the range is symmetric and negating
 * a weight never saturates.
 *
 * @param values the quantized weights, in the tensor's row-major order
 * @param scales one scale per slice along {@code axis}, or a single scale when {@code axis} is -1
 * @param axis the channel axis, or -1 for one scale over the whole tensor
 */
public record SymmetricInt8(byte[] values, float[] scales, int axis) {

  public static final int PER_TENSOR = -1;

  public SymmetricInt8 {
    Objects.requireNonNull(values, "values must not be null");
    Objects.requireNonNull(scales, "scales must not be null");
    for (float scale : scales) {
      if (!(scale > 0) || Float.isInfinite(scale)) {
        throw new IllegalArgumentException("scales must be positive finite numbers, got " + scale);
      }
    }
  }

  /** One scale for the whole tensor. */
  public static SymmetricInt8 perTensor(float[] weights) {
    return quantize(weights, new long[] {weights.length}, PER_TENSOR);
  }

  /**
   * One scale per slice along {@code axis} of a tensor of shape {@code dims}: axis 0 of a Conv
   * weight [M, C, kH, kW] or of a transposed Gemm weight [N, K], axis 1 of a MatMul weight [K, N].
   */
  public static SymmetricInt8 quantize(float[] weights, long[] dims, int axis) {
    long count = 1;
    for (long d : dims) {
      count *= d;
    }
    if (count != weights.length) {
      throw new IllegalArgumentException("shape has " + count + " elements but " + weights.length + " weights were given");
    }
    if (axis != PER_TENSOR && (axis < 0 || axis >= dims.length)) {
      throw new IllegalArgumentException("axis " + axis + " is outside a tensor of rank " + dims.length);
    }
    int channels = axis == PER_TENSOR ? 1 : (int) dims[axis];
    long inner = 1;
    for (int d = axis + 1; axis != PER_TENSOR && d < dims.length; d++) {
      inner *= dims[d];
    }
    float[] maxAbs = new float[channels];
    for (int i = 0; i < weights.length; i++) {
      int c = channelOf(i, inner, channels, axis);
      maxAbs[c] = Math.max(maxAbs[c], Math.abs(weights[i]));
    }
    float[] scales = new float[channels];
    for (int c = 0; c < channels; c++) {
      // An all-zero channel still needs a valid scale; any positive value reproduces zeros.
      scales[c] = maxAbs[c] > 0 ? maxAbs[c] / 127f : 1f;
    }
    byte[] q = new byte[weights.length];
    for (int i = 0; i < weights.length; i++) {
      q[i] = (byte) Math.max(-127, Math.min(127, Math.round(weights[i] / scales[channelOf(i, inner, channels, axis)])));
    }
    return new SymmetricInt8(q, scales, axis);
  }

  /** {@code q * scale[c]} in float, the arithmetic DequantizeLinear uses. */
  public float[] dequantize(long[] dims) {
    long inner = 1;
    for (int d = axis + 1; axis != PER_TENSOR && d < dims.length; d++) {
      inner *= dims[d];
    }
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i] * scales[channelOf(i, inner, scales.length, axis)];
    }
    return out;
  }

  private static int channelOf(int index, long inner, int channels, int axis) {
    return axis == PER_TENSOR ? 0 : (int) ((index / inner) % channels);
  }
}
