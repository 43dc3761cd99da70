package org.edgefleet.packager.sample;

import java.util.Objects;

/**
 * A trained classifier: standardization, one ReLU hidden layer, a linear output layer and
 * softmax. Immutable; the forward pass uses float arithmetic in the order the exported ONNX
 * graph does, so Java and ONNX Runtime agree to about 1e-6.
 */
public final class Mlp {

  private final Standardizer standardizer;
  private final DenseLayer hidden;
  private final DenseLayer output;

  private Mlp(Standardizer standardizer, DenseLayer hidden, DenseLayer output) {
    this.standardizer = standardizer;
    this.hidden = hidden;
    this.output = output;
  }

  public static Mlp of(Standardizer standardizer, DenseLayer hidden, DenseLayer output) {
    Objects.requireNonNull(standardizer, "standardizer must not be null");
    Objects.requireNonNull(hidden, "hidden must not be null");
    Objects.requireNonNull(output, "output must not be null");
    if (standardizer.size() != hidden.inputs() || hidden.outputs() != output.inputs()) {
      throw new IllegalArgumentException("layer sizes do not chain: standardizer " + standardizer.size()
          + ", hidden " + hidden + ", output " + output);
    }
    return new Mlp(standardizer, hidden, output);
  }

  public Standardizer standardizer() {
    return standardizer;
  }

  public DenseLayer hidden() {
    return hidden;
  }

  public DenseLayer output() {
    return output;
  }

  public int inputSize() {
    return standardizer.size();
  }

  public int classCount() {
    return output.outputs();
  }

  /** The same network with both weight matrices passed through int8, as the INT8 export has them. */
  public Mlp withInt8Weights() {
    return new Mlp(standardizer, hidden.withInt8Weights(), output.withInt8Weights());
  }

  /** Class scores before softmax. */
  public float[] logits(float[] features) {
    float[] h = hidden.apply(standardizer.apply(features));
    for (int j = 0; j < h.length; j++) {
      h[j] = Math.max(0f, h[j]);
    }
    return output.apply(h);
  }

  /** Class probabilities, summing to 1. */
  public float[] probabilities(float[] features) {
    return softmax(logits(features));
  }

  public float[][] probabilities(float[][] rows) {
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = probabilities(rows[i]);
    }
    return out;
  }

  /** The most probable class; ties go to the lower index, as ONNX ArgMax does. */
  public int predict(float[] features) {
    float[] logits = logits(features);
    int best = 0;
    for (int j = 1; j < logits.length; j++) {
      if (logits[j] > logits[best]) {
        best = j;
      }
    }
    return best;
  }

  public int[] predict(float[][] rows) {
    int[] out = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = predict(rows[i]);
    }
    return out;
  }

  static float[] softmax(float[] logits) {
    float max = Float.NEGATIVE_INFINITY;
    for (float z : logits) {
      max = Math.max(max, z);
    }
    float[] p = new float[logits.length];
    float sum = 0;
    for (int j = 0; j < logits.length; j++) {
      p[j] = (float) Math.exp(logits[j] - max);
      sum += p[j];
    }
    for (int j = 0; j < p.length; j++) {
      p[j] /= sum;
    }
    return p;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Mlp other && standardizer.equals(other.standardizer)
        && hidden.equals(other.hidden) && output.equals(other.output);
  }

  @Override
  public int hashCode() {
    return Objects.hash(standardizer, hidden, output);
  }

  @Override
  public String toString() {
    return "Mlp[" + inputSize() + " -> " + hidden.outputs() + " ReLU -> " + classCount() + " softmax]";
  }
}
