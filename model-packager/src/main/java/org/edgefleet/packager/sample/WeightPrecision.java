package org.edgefleet.packager.sample;

/** How the exporter stores the MatMul weights. */
public enum WeightPrecision {
  /** float32 initializers. */
  FP32,
  /**
   * int8 initializers with one scale per tensor, dequantized by DequantizeLinear in front of
   * each MatMul; standardization constants and biases stay float32. A quarter of the weight
   * bytes, at a small accuracy cost (see docs/sample-model.md).
   */
  INT8
}
