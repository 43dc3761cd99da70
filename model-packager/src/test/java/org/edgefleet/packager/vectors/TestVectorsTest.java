package org.edgefleet.packager.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefleet.packager.TestModels;
import org.edgefleet.packager.onnx.OnnxModel;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestVectorsTest {

  @TempDir
  Path dir;

  private final float[][] rows = {{1f, 2f}, {3f, 4f}, {5f, 6f}};

  @Test
  void makesOneVectorPerRowAndOneBatchFromTheRuntimesOutputs() throws Exception {
    try (OnnxModel model = OnnxModel.open(TestModels.plusOne(dir.resolve("m.onnx"), 2))) {
      List<Map<String, Tensor>> calls = java.util.Arrays.stream(rows).map(r -> Map.of("x", Tensor.row(r))).toList();
      List<TestVector> vectors = TestVectors.generate(model, calls, 1e-4);

      assertThat(vectors).hasSize(4);
      assertThat(vectors.get(0).inputs().get("x")).isEqualTo(Tensor.row(1f, 2f));
      assertThat(vectors.get(0).expected().get("y")).isEqualTo(Tensor.row(2f, 3f));
      assertThat(vectors.get(3).inputs().get("x").shape()).containsExactly(3, 2);
      assertThat(vectors.get(3).expected().get("y").floats()).containsExactly(2f, 3f, 4f, 5f, 6f, 7f);
      assertThat(vectors).allMatch(v -> v.tolerance() == 1e-4);
      assertThat(TestVectors.check(model, vectors).passed()).isTrue();
    }
  }

  @Test
  void reportsOutputsOutsideTheTolerance() throws Exception {
    TestVector off = new TestVector(Map.of("x", Tensor.row(1f, 2f)), Map.of("y", Tensor.row(2f, 3.001f)), 1e-4);
    TestVector missing = new TestVector(Map.of("x", Tensor.row(1f, 2f)), Map.of("nope", Tensor.row(2f)), 1e-4);
    TestVector shape = new TestVector(Map.of("x", Tensor.row(1f, 2f)), Map.of("y", Tensor.row(2f)), 1e-4);
    try (OnnxModel model = OnnxModel.open(TestModels.plusOne(dir.resolve("m.onnx"), 2))) {
      TestVectorReport report = TestVectors.check(model, List.of(off, missing, shape));

      assertThat(report.passed()).isFalse();
      assertThat(report.vectors()).isEqualTo(3);
      assertThat(report.failures()).containsExactly(
          "vector 1 of 3, output 'y': value 1 is 3.0, expected 3.000999927520752 within 1.0E-4",
          "vector 2 of 3, output 'nope': the model has no such output",
          "vector 3 of 3, output 'y': expected Tensor[float32 [1, 1]] but got Tensor[float32 [1, 2]]");
    }
  }
}
