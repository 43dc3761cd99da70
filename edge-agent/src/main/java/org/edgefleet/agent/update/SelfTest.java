package org.edgefleet.agent.update;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.PredictionException;
import org.edgefleet.agent.serving.ServingModel;
import org.edgefleet.protocol.bundle.BundleException;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Runs the manifest's test vectors on the session that is about to serve, through the same
 * input path as {@code predict}. Every expected value must be matched within the vector's
 * tolerance; a NaN on either side fails. A vector that continues a sequence ({@code stateFrom})
 * gets the named outputs of this session's run of the previous vector in place of its stored
 * state inputs, the way an application carries recurrent state from call to call.
 */
final class SelfTest {

  private SelfTest() {}

  /** Returns how many vectors passed; throws on the first that does not. */
  static int run(ServingModel model) throws UpdateFailure {
    List<TestVector> vectors = model.manifest().testVectors();
    Map<String, Tensor> previous = Map.of();
    for (int v = 0; v < vectors.size(); v++) {
      TestVector tv = vectors.get(v);
      Map<String, Tensor> actual;
      try {
        actual = model.run(inputs(v, tv, previous));
      } catch (PredictionException e) {
        throw fail(v, e.getMessage());
      }
      previous = actual;
      for (Map.Entry<String, Tensor> e : tv.expected().entrySet()) {
        compare(v, e.getKey(), e.getValue(), actual.get(e.getKey()), tv.tolerance());
      }
    }
    return vectors.size();
  }

  private static Map<String, Tensor> inputs(int v, TestVector tv, Map<String, Tensor> previous) throws UpdateFailure {
    if (!tv.continuesSequence()) {
      return tv.inputs();
    }
    Map<String, Tensor> in = new HashMap<>(tv.inputs());
    for (Map.Entry<String, String> state : tv.stateFrom().entrySet()) {
      Tensor carried = previous.get(state.getValue());
      if (carried == null) {
        throw fail(v, "input '" + state.getKey() + "' takes output '" + state.getValue()
            + "' of the previous vector, which the model did not produce");
      }
      in.put(state.getKey(), carried);
    }
    return in;
  }

  private static void compare(int v, String name, Tensor expected, Tensor actual, double tolerance) throws UpdateFailure {
    if (actual == null) {
      throw fail(v, "the model has no output '" + name + "'");
    }
    if (!Arrays.equals(actual.shape(), expected.shape())) {
      throw fail(v, "output '" + name + "' has shape " + Arrays.toString(actual.shape()) + ", expected "
          + Arrays.toString(expected.shape()));
    }
    for (int i = 0; i < expected.size(); i++) {
      double a = actual.get(i);
      double x = expected.get(i);
      if (Double.isNaN(a) || Double.isNaN(x) || Math.abs(a - x) > tolerance) {
        throw fail(v, "output '" + name + "'[" + i + "] is " + a + ", expected " + x + " within " + tolerance);
      }
    }
  }

  private static UpdateFailure fail(int vector, String what) {
    return new UpdateFailure(Execution.SELF_TEST, BundleException.Reason.TEST_VECTOR_FAILED, "test vector " + vector + ": " + what);
  }
}
