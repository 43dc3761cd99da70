package org.edgefleet.packager.vectors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefleet.packager.onnx.ModelException;
import org.edgefleet.packager.onnx.OnnxModel;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Makes test vectors by running the model in ONNX Runtime, and checks a model against them.
 * Expected outputs are what the runtime produced here; devices must reproduce them within the
 * tolerance, which catches a corrupted model, a wrong runtime build or a broken engine.
 */
public final class TestVectors {

  /** Absolute tolerance: float32 kernels on other CPUs differ by far less than this. */
  public static final double DEFAULT_TOLERANCE = 1e-4;

  private TestVectors() {}

  /**
   * One vector per row, shaped [1, n], plus one with all rows as a single batch when the
   * input's batch dimension is dynamic, so devices also check batched inference.
   */
  public static List<TestVector> generate(OnnxModel model, String input, float[][] rows, double tolerance)
      throws ModelException {
    TensorSpec spec = model.inputs().stream().filter(s -> s.name().equals(input)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the model has no input '" + input + "'"));
    List<TestVector> vectors = new ArrayList<>();
    for (float[] row : rows) {
      vectors.add(vector(model, input, new float[][] {row}, tolerance));
    }
    if (rows.length > 1 && spec.shape().get(0) == -1) {
      vectors.add(vector(model, input, rows, tolerance));
    }
    return List.copyOf(vectors);
  }

  /** Runs every vector; the report lists each output that missed, with the first differing value. */
  public static TestVectorReport check(OnnxModel model, List<TestVector> vectors) throws ModelException {
    List<String> failures = new ArrayList<>();
    for (int v = 0; v < vectors.size(); v++) {
      TestVector vector = vectors.get(v);
      Map<String, Tensor> actual = model.run(vector.inputs());
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

  private static TestVector vector(OnnxModel model, String input, float[][] rows, double tolerance) throws ModelException {
    int width = rows[0].length;
    float[] flat = new float[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * width, width);
    }
    Map<String, Tensor> inputs = Map.of(input, Tensor.ofFloats(new long[] {rows.length, width}, flat));
    return new TestVector(inputs, model.run(inputs), tolerance);
  }

  private static String compare(Tensor expected, Tensor actual, double tolerance) {
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
}
