package org.edgefleet.protocol.bundle;

import java.util.Map;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Inputs with the outputs the model must produce for them, within an absolute tolerance.
 * The agent runs every vector before it activates a model.
 */
public record TestVector(Map<String, Tensor> inputs, Map<String, Tensor> expected, double tolerance) {

  public TestVector {
    if (inputs == null || inputs.isEmpty() || expected == null || expected.isEmpty()) {
      throw new IllegalArgumentException("a test vector needs inputs and expected outputs");
    }
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
      throw new IllegalArgumentException("test vector tolerance must be a finite number >= 0");
    }
    inputs = Map.copyOf(inputs);
    expected = Map.copyOf(expected);
  }
}
