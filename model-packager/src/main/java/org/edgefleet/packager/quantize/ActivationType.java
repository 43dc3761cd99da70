package org.edgefleet.packager.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Locale;

/**
 * The integer type of quantized activations. uint8 (asymmetric, 0..255) is what ONNX Runtime's
 * x86 integer kernels are fastest with beside int8 weights; int8 (-128..127) suits hardware
 * that wants signed activations.
 */
public enum ActivationType {
  UINT8(0, 255, TensorProto.DataType.UINT8),
  INT8(-128, 127, TensorProto.DataType.INT8);

  final int min;
  final int max;
  final TensorProto.DataType onnxType;

  ActivationType(int min, int max, TensorProto.DataType onnxType) {
    this.min = min;
    this.max = max;
    this.onnxType = onnxType;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Scale and zero point that map [rangeMin, rangeMax] (which contains 0) onto this type's range. */
  QuantParams params(float rangeMin, float rangeMax) {
    float scale = (rangeMax - rangeMin) / (max - min);
    if (!(scale > 0) || !Float.isFinite(scale)) {
      return new QuantParams(1f, rangeMin < 0 ? max : min);
    }
    int zeroPoint = Math.round(min - rangeMin / scale);
    return new QuantParams(scale, Math.max(min, Math.min(max, zeroPoint)));
  }

  /** {@code x ~= (q - zeroPoint) * scale}. */
  record QuantParams(float scale, int zeroPoint) {}
}
