package org.edgefleet.packager.quantize;

/** What becomes integer: only the weights, or the weights and the activations between them. */
public enum QuantizationMode {
  /** int8 weights with DequantizeLinear; the arithmetic stays float. Needs no calibration. */
  WEIGHT_ONLY("weight-only"),
  /** int8 weights and calibrated QDQ activations, which ONNX Runtime runs with integer kernels. */
  STATIC("static");

  private final String wireName;

  QuantizationMode(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
