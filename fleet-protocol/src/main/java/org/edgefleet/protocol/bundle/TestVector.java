package org.edgefleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Inputs with the outputs the model must produce for them, within an absolute tolerance.
 * The agent runs every vector before it activates a model.
 *
 * <p>A stateful model (recurrent state, a streaming audio model) is tested by a sequence of
 * vectors: {@code stateFrom} maps an input of this vector to an output of the vector before it, and
 * the agent feeds that output, as its own run of the previous vector produced it, into the input
 * instead of the stored value (which is what the packager fed, kept so the vector reads on its
 * own). A vector without {@code stateFrom} starts a new sequence. The manifest checks that every
 * named output is one the previous vector expects, so each step's state is compared too.
 */
public record TestVector(Map<String, Tensor> inputs, Map<String, Tensor> expected, double tolerance,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> stateFrom) {

  public TestVector {
    if (inputs == null || inputs.isEmpty() || expected == null || expected.isEmpty()) {
      throw new IllegalArgumentException("a test vector needs inputs and expected outputs");
    }
    if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
      throw new IllegalArgumentException("test vector tolerance must be a finite number >= 0");
    }
    inputs = Map.copyOf(inputs);
    expected = Map.copyOf(expected);
    stateFrom = stateFrom == null ? Map.of() : Map.copyOf(stateFrom);
    for (Map.Entry<String, String> e : stateFrom.entrySet()) {
      Names.requireTensorName(e.getValue(), "stateFrom output of input '" + e.getKey() + "'");
      if (!inputs.containsKey(e.getKey())) {
        throw new IllegalArgumentException("test vector stateFrom names input '" + e.getKey()
            + "' which the vector does not hold");
      }
    }
  }

  public TestVector(Map<String, Tensor> inputs, Map<String, Tensor> expected, double tolerance) {
    this(inputs, expected, tolerance, null);
  }

  /** Whether this vector continues the sequence of the vector before it. */
  public boolean continuesSequence() {
    return !stateFrom.isEmpty();
  }
}
