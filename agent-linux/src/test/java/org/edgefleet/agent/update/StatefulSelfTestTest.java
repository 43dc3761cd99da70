package org.edgefleet.agent.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.PredictionException;
import org.edgefleet.agent.inference.OnnxEngine;
import org.edgefleet.agent.metrics.MetricsRegistry;
import org.edgefleet.agent.serving.ModelLoader;
import org.edgefleet.agent.serving.ServingModel;
import org.edgefleet.agent.testkit.RecurrentModel;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recurrent model's test sequence: each step runs on the state this session produced the step
 * before; and its inputs, which share the symbolic batch dimension, must agree on it.
 */
class StatefulSelfTestTest {

  static final float[][] XS = {{1f, 0f}, {0.5f, -1f}, {-0.2f, 0.7f}, {0.9f, 0.9f}};

  @TempDir Path dir;

  @Test
  void aSequenceCarriesTheSessionsOwnStateFromStepToStep() throws Exception {
    ServingModel model = model(sequence(false));
    assertThat(SelfTest.run(model)).isEqualTo(XS.length);
    model.retire();
  }

  @Test
  void theCarriedStateNotTheStoredOneIsWhatEachStepRunsOn() throws Exception {
    // Stored state inputs are zeros here: only a self-test that feeds the previous step's output
    // reproduces the expected outputs, which were computed on the carried state.
    ServingModel model = model(sequence(true));
    assertThat(SelfTest.run(model)).isEqualTo(XS.length);
    model.retire();

    List<TestVector> unchained = new ArrayList<>();
    for (TestVector v : sequence(true)) {
      unchained.add(new TestVector(v.inputs(), v.expected(), v.tolerance()));
    }
    ServingModel broken = model(unchained);
    assertThatThrownBy(() -> SelfTest.run(broken)).isInstanceOfSatisfying(UpdateFailure.class,
        f -> assertThat(f.getMessage()).contains("test vector 1: output '"));
    broken.retire();
  }

  @Test
  void inputsThatShareASymbolicDimensionMustAgreeOnItsSize() throws Exception {
    ServingModel model = model(sequence(false));
    // The runtime would broadcast [1, 2] + [2, 2] and answer; the manifest says both are [batch, 2].
    Map<String, Tensor> mismatched = Map.of(RecurrentModel.X, Tensor.row(1f, 0f),
        RecurrentModel.STATE, Tensor.ofFloats(new long[] {2, 2}, new float[4]));
    assertThatThrownBy(() -> model.run(mismatched)).isInstanceOfSatisfying(PredictionException.class, e -> {
      assertThat(e.reason()).isEqualTo(PredictionException.Reason.INPUT_MISMATCH);
      assertThat(e.getMessage()).contains("to share dimension 'batch' but got");
    });
    Map<String, Tensor> batch = Map.of(RecurrentModel.X, Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 0, 0.5f, -1}),
        RecurrentModel.STATE, Tensor.ofFloats(new long[] {2, 2}, new float[4]));
    assertThat(model.run(batch).get(RecurrentModel.OUT).shape()).containsExactly(2, 2);
    model.retire();
  }

  private static List<TestVector> sequence(boolean zeroStoredState) {
    List<TestVector> vectors = new ArrayList<>();
    float[] state = new float[RecurrentModel.WIDTH];
    for (int step = 0; step < XS.length; step++) {
      float[] out = RecurrentModel.step(XS[step], state);
      float[] stored = step > 0 && zeroStoredState ? new float[RecurrentModel.WIDTH] : state;
      vectors.add(new TestVector(
          Map.of(RecurrentModel.X, Tensor.row(XS[step]), RecurrentModel.STATE, Tensor.row(stored)),
          Map.of(RecurrentModel.OUT, Tensor.row(out), RecurrentModel.STATE_OUT, Tensor.row(out)), 1e-5,
          step == 0 ? null : Map.of(RecurrentModel.STATE, RecurrentModel.STATE_OUT)));
      state = out;
    }
    return vectors;
  }

  private ServingModel model(List<TestVector> vectors) throws Exception {
    TestBundles.Spec spec = new TestBundles(dir, TestAgents.PACKAGER).spec("rnn", 1);
    Manifest m = spec.manifest(spec.files(), TestAgents.PACKAGER);
    Manifest stateful = new Manifest(m.schema(), m.name(), m.version(), m.format(), m.modelFile(), m.runtime(),
        RecurrentModel.inputs(), RecurrentModel.outputs(), m.quantization(), List.of(), vectors, m.files(),
        m.createdAt(), m.expiresAt(), m.keyId(), m.description());
    Files.write(dir.resolve(TestBundles.MODEL_FILE), RecurrentModel.onnx());
    ModelLoader loader = new ModelLoader(Map.of(ModelFormat.ONNX,
        new OnnxEngine(Path.of(System.getProperty("java.io.tmpdir"), "ort-native"), 1)), new MetricsRegistry());
    return loader.load("a", dir, stateful);
  }
}
