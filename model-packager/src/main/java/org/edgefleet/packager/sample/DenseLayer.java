package org.edgefleet.packager.sample;

import java.util.Arrays;
import java.util.Objects;

/**
 * {@code y = x W + b} with W stored row-major as [inputs][outputs], the layout ONNX MatMul
 * takes, so the exporter writes the array as it is.
 */
public final class DenseLayer {

  private final int inputs;
  private final int outputs;
  private final float[] weights;
  private final float[] bias;

  private DenseLayer(int inputs, int outputs, float[] weights, float[] bias) {
    this.inputs = inputs;
    this.outputs = outputs;
    this.weights = weights;
    this.bias = bias;
  }

  public static DenseLayer of(int inputs, int outputs, float[] weights, float[] bias) {
    Objects.requireNonNull(weights, "weights must not be null");
    Objects.requireNonNull(bias, "bias must not be null");
    if (inputs <= 0 || outputs <= 0) {
      throw new IllegalArgumentException("a layer needs positive sizes, got " + inputs + "x" + outputs);
    }
    if (weights.length != inputs * outputs || bias.length != outputs) {
      throw new IllegalArgumentException("a " + inputs + "x" + outputs + " layer needs " + inputs * outputs
          + " weights and " + outputs + " biases, got " + weights.length + " and " + bias.length);
    }
    return new DenseLayer(inputs, outputs, weights.clone(), bias.clone());
  }

  public int inputs() {
    return inputs;
  }

  public int outputs() {
    return outputs;
  }

  /** Row-major [inputs][outputs]. */
  public float[] weights() {
    return weights.clone();
  }

  public float[] bias() {
    return bias.clone();
  }

  /** The same layer with its weights passed through per-tensor int8 quantization. */
  public DenseLayer withInt8Weights() {
    return new DenseLayer(inputs, outputs, Int8Weights.quantize(weights).dequantize(), bias);
  }

  /** Forward pass in float arithmetic, matching the exported MatMul and Add. */
  public float[] apply(float[] x) {
    if (x.length != inputs) {
      throw new IllegalArgumentException("expected " + inputs + " inputs, got " + x.length);
    }
    float[] y = new float[outputs];
    for (int k = 0; k < inputs; k++) {
      float xk = x[k];
      int row = k * outputs;
      for (int j = 0; j < outputs; j++) {
        y[j] += xk * weights[row + j];
      }
    }
    for (int j = 0; j < outputs; j++) {
      y[j] += bias[j];
    }
    return y;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DenseLayer other && inputs == other.inputs && outputs == other.outputs
        && Arrays.equals(weights, other.weights) && Arrays.equals(bias, other.bias);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(weights) + Arrays.hashCode(bias);
  }

  @Override
  public String toString() {
    return "DenseLayer[" + inputs + "x" + outputs + "]";
  }
}
