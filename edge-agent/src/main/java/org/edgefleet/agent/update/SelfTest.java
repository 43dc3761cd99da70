package org.edgefleet.agent.update;

import java.util.Arrays;
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
 * tolerance; a NaN on either side fails.
 */
final class SelfTest {

  private SelfTest() {}

  /** Returns how many vectors passed; throws on the first that does not. */
  static int run(ServingModel model) throws UpdateFailure {
    List<TestVector> vectors = model.manifest().testVectors();
    for (int v = 0; v < vectors.size(); v++) {
      TestVector tv = vectors.get(v);
      Map<String, Tensor> actual;
      try {
        actual = model.run(tv.inputs());
      } catch (PredictionException e) {
        throw fail(v, e.getMessage());
      }
      for (Map.Entry<String, Tensor> e : tv.expected().entrySet()) {
        compare(v, e.getKey(), e.getValue(), actual.get(e.getKey()), tv.tolerance());
      }
    }
    return vectors.size();
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
