package org.edgefleet.packager.vectors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefleet.packager.feeds.Batches;
import org.edgefleet.packager.model.LoadedModel;
import org.edgefleet.packager.onnx.ModelException;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Makes test vectors by running the model in its runtime, and checks a model against them.
 * Expected outputs are what the runtime produced here; devices must reproduce them within the
 * tolerance, which catches a corrupted model, a wrong runtime build or a broken engine.
 */
public final class TestVectors {

  /** Absolute tolerance: float32 kernels on other CPUs differ by far less than this. */
  public static final double DEFAULT_TOLERANCE = 1e-4;

  private TestVectors() {}

  /**
   * One vector per call, plus one with all calls as a single batch when every input's first
   * dimension is dynamic (and the calls stack), so devices also check batched inference.
   */
  public static List<TestVector> generate(LoadedModel model, List<Map<String, Tensor>> calls, double tolerance)
      throws ModelException {
    List<TestVector> vectors = new ArrayList<>();
    for (Map<String, Tensor> call : calls) {
      vectors.add(new TestVector(call, model.run(call), tolerance));
    }
    if (calls.size() > 1) {
      Map<String, Tensor> batch = Batches.stack(model.inputs(), calls);
      if (batch != null) {
        vectors.add(new TestVector(batch, model.run(batch), tolerance));
      }
    }
    return List.copyOf(vectors);
  }

  /**
   * A test sequence: the calls run in order, and from the second on each input named in {@code
   * stateFrom} (input -> output) takes that output of the call before, as an application carries
   * recurrent state. The first call's state inputs are what it holds (zeros, usually).
   */
  public static List<TestVector> sequence(LoadedModel model, List<Map<String, Tensor>> calls,
      Map<String, String> stateFrom, double tolerance) throws ModelException {
    List<TestVector> vectors = new ArrayList<>();
    Map<String, Tensor> previous = null;
    for (Map<String, Tensor> call : calls) {
      Map<String, Tensor> in = previous == null ? call : carried(call, stateFrom, previous);
      Map<String, Tensor> out = model.run(in);
      vectors.add(new TestVector(in, out, tolerance, previous == null ? null : stateFrom));
      previous = out;
    }
    return List.copyOf(vectors);
  }

  /** Runs every vector (feeding sequences as the agent does); the report lists each output that missed. */
  public static TestVectorReport check(LoadedModel model, List<TestVector> vectors) throws ModelException {
    List<String> failures = new ArrayList<>();
    Map<String, Tensor> previous = Map.of();
    for (int v = 0; v < vectors.size(); v++) {
      TestVector vector = vectors.get(v);
      Map<String, Tensor> in = vector.continuesSequence() ? carried(vector.inputs(), vector.stateFrom(), previous)
          : vector.inputs();
      Map<String, Tensor> actual = model.run(in);
      previous = actual;
      for (Map.Entry<String, Tensor> expected : vector.expected().entrySet()) {
        Tensor got = actual.get(expected.getKey());
        String problem = got == null ? "the model has no such output" : compare(expected.getValue(), got, vector.tolerance());
        if (problem != null) {
          failures.add("vector " + (v + 1) + " of " + vectors.size() + ", output '" + expected.getKey() + "': " + problem);
        }
      }
    }
    return new TestVectorReport(vectors.size(), failures);
  }

  /** Null when every value is within the tolerance, else the first that is not; NaN always misses, as on devices. */
  public static String compare(Tensor expected, Tensor actual, double tolerance) {
    if (expected.dtype() != actual.dtype() || !Arrays.equals(expected.shape(), actual.shape())) {
      return "expected " + expected + " but got " + actual;
    }
    for (int i = 0; i < expected.size(); i++) {
      double e = expected.get(i);
      double a = actual.get(i);
      if (!(Math.abs(e - a) <= tolerance)) {
        return String.format(Locale.ROOT, "value %d is %s, expected %s within %s", i, a, e, tolerance);
      }
    }
    return null;
  }

  private static Map<String, Tensor> carried(Map<String, Tensor> call, Map<String, String> stateFrom,
      Map<String, Tensor> previous) throws ModelException {
    Map<String, Tensor> in = new HashMap<>(call);
    for (Map.Entry<String, String> state : stateFrom.entrySet()) {
      Tensor out = previous.get(state.getValue());
      if (out == null) {
        throw new ModelException("input '" + state.getKey() + "' takes output '" + state.getValue()
            + "', which the model did not produce");
      }
      in.put(state.getKey(), out);
    }
    return in;
  }
}
