package org.edgefleet.agent.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.inference.OnnxEngine;
import org.edgefleet.agent.metrics.MetricsRegistry;
import org.edgefleet.agent.serving.ModelLoader;
import org.edgefleet.agent.serving.ServingModel;
import org.edgefleet.agent.testkit.LinearModel;
import org.edgefleet.agent.testkit.Manifests;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Test vectors on a real session: within tolerance passes; outside it, NaN or a missing output fails. */
class SelfTestTest {

  @TempDir Path dir;

  ServingModel model(List<TestVector> vectors) throws Exception {
    TestBundles.Spec spec = new TestBundles(dir, TestAgents.PACKAGER).spec("m", 1);
    Manifest m = Manifests.withTestVectors(spec.manifest(spec.files(), TestAgents.PACKAGER), vectors);
    Files.write(dir.resolve(TestBundles.MODEL_FILE), LinearModel.version(1).onnx());
    ModelLoader loader = new ModelLoader(Map.of(ModelFormat.ONNX,
        new OnnxEngine(Path.of(System.getProperty("java.io.tmpdir"), "ort-native"), 1)), new MetricsRegistry());
    return loader.load("a", dir, m);
  }

  TestVector vector(float[] expected, double tolerance) {
    return new TestVector(Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(0))),
        Map.of(LinearModel.PROBABILITIES, Tensor.row(expected)), tolerance);
  }

  @Test
  void passesWithinTolerance() throws Exception {
    float[] p = LinearModel.version(1).probabilities(TestBundles.sample(0));
    assertThat(SelfTest.run(model(List.of(vector(new float[] {p[0] + 0.0005f, p[1]}, 1e-3))))).isEqualTo(1);
  }

  @Test
  void failsOutsideToleranceOnNanAndOnAMissingOutput() throws Exception {
    float[] p = LinearModel.version(1).probabilities(TestBundles.sample(0));
    assertFails(vector(new float[] {p[0] + 0.01f, p[1]}, 1e-3), "output 'probabilities'[0]");
    assertFails(vector(new float[] {Float.NaN, p[1]}, 1e-3), "NaN");
    assertFails(new TestVector(Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(0))),
        Map.of("scores", Tensor.row(1f)), 0.1), "no output 'scores'");
    assertFails(new TestVector(Map.of(LinearModel.INPUT, Tensor.row(1f, 2f)),
        Map.of(LinearModel.PROBABILITIES, Tensor.row(p)), 0.1), "expects input 'features'");
  }

  private void assertFails(TestVector v, String message) throws Exception {
    ServingModel m = model(List.of(v));
    assertThatThrownBy(() -> SelfTest.run(m)).isInstanceOfSatisfying(UpdateFailure.class, f -> {
      assertThat(f.reason()).isEqualTo("TEST_VECTOR_FAILED");
      assertThat(f.getMessage()).contains(message);
    });
    m.retire();
  }
}
