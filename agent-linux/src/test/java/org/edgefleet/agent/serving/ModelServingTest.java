package org.edgefleet.agent.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.Prediction;
import org.edgefleet.agent.PredictionException;
import org.edgefleet.agent.inference.InferenceException;
import org.edgefleet.agent.inference.OnnxEngine;
import org.edgefleet.agent.metrics.MetricsRegistry;
import org.edgefleet.agent.testkit.LinearModel;
import org.edgefleet.agent.testkit.Manifests;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real ONNX Runtime sessions behind the registry: results, pre-processing, swaps. */
class ModelServingTest {

  @TempDir Path dir;
  ModelLoader loader;
  ModelRegistry registry = new ModelRegistry("dev-s", new ShadowRunner("dev-s", 16));
  TestBundles bundles;

  @BeforeEach
  void setUp() {
    OnnxEngine onnx = new OnnxEngine(Path.of(System.getProperty("java.io.tmpdir"), "ort-native"), 1);
    loader = new ModelLoader(Map.of(ModelFormat.ONNX, onnx), new MetricsRegistry());
    bundles = new TestBundles(dir, TestAgents.PACKAGER);
  }

  ServingModel load(int version, Manifest manifest) throws Exception {
    Path slot = Files.createDirectories(dir.resolve("slot-" + version));
    Files.write(slot.resolve(TestBundles.MODEL_FILE), LinearModel.version(version).onnx());
    return loader.load("a", slot, manifest);
  }

  Manifest manifest(int version) {
    TestBundles.Spec spec = bundles.spec("m", version);
    return spec.manifest(spec.files(), TestAgents.PACKAGER);
  }

  @Test
  void appliesDeclaredPreprocessingBeforeTheModel() throws Exception {
    TensorSpec scaled = new TensorSpec(LinearModel.INPUT, DType.FLOAT32, List.of(-1L, 3L), List.of("a", "b", "c"),
        new TensorSpec.Preprocessing(List.of(2.0, 0.5, -1.0), List.of(1.0, 0.0, 0.25)));
    Manifest m = Manifests.withTestVectors(Manifests.withInputs(manifest(1), List.of(scaled)), List.of());
    registry.activate(load(1, m));
    float[] raw = {1f, 4f, -2f};
    float[] prepared = {raw[0] * 2 + 1, raw[1] * 0.5f, raw[2] * -1 + 0.25f};
    Prediction p = registry.predict("m", Map.of(LinearModel.INPUT, Tensor.row(raw)));
    assertThat(p.output(LinearModel.PROBABILITIES).floats()[0])
        .isCloseTo(LinearModel.version(1).probabilities(prepared)[0], within(1e-5f));
  }

  @Test
  void preprocessingThatDoesNotFitTheInputIsRefusedAtLoad() {
    TensorSpec wrong = new TensorSpec(LinearModel.INPUT, DType.FLOAT32, List.of(-1L, 3L), null,
        new TensorSpec.Preprocessing(List.of(2.0), List.of(1.0)));
    assertThatThrownBy(() -> load(1, Manifests.withInputs(manifest(1), List.of(wrong))))
        .isInstanceOf(InferenceException.class).hasMessageContaining("last dimension is fixed at 1");
  }

  @Test
  void manifestThatDoesNotDescribeTheModelIsRefusedAtLoad() {
    TensorSpec other = new TensorSpec("pixels", DType.FLOAT32, List.of(-1L, 3L));
    assertThatThrownBy(() -> load(1, Manifests.withInputs(manifest(1), List.of(other))))
        .isInstanceOf(InferenceException.class).hasMessageContaining("no input 'pixels'");
  }

  @Test
  void swapClosesTheOldSessionOnlyAfterItsCallsEnd() throws Exception {
    ServingModel v1 = load(1, manifest(1));
    registry.activate(v1);
    assertThat(v1.tryAcquire()).isTrue();
    registry.activate(load(2, manifest(2)));
    assertThat(registry.activeVersion("m")).hasValue(2);
    assertThat(v1.run(Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(0)))).get(LinearModel.PROBABILITIES).floats())
        .hasSize(2);
    v1.release();
    assertThat(v1.tryAcquire()).isFalse();
    assertThat(registry.predict("m", Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(0)))).version()).isEqualTo(2);
  }

  @Test
  void aKeptReplacedVersionIsTimedBesideTheNewOnePacedAndClosedWhenDropped() throws Exception {
    ServingModel v1 = load(1, manifest(1));
    registry.activate(v1);
    registry.activate(load(2, manifest(2)), true);
    LatencyPairs pairs = new LatencyPairs(1, System.nanoTime());
    assertThat(registry.timeBeside("m", pairs)).isTrue();
    Map<String, Tensor> in = Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(0)));
    for (int i = 0; i < 200 && pairs.read().pairs() < 10; i++) {
      assertThat(registry.predict("m", in).version()).isEqualTo(2); // the kept version serves nothing
      Thread.sleep(2);
    }
    LatencyPairs.Reading r = pairs.read();
    assertThat(r.pairs()).isGreaterThanOrEqualTo(10);
    assertThat(r.currentP95Micros()).isPositive();
    assertThat(r.previousP95Micros()).isPositive();
    registry.dropReplaced("m");
    assertThat(v1.tryAcquire()).as("v1's session closed with the window").isFalse();
    assertThat(registry.timeBeside("m", pairs)).isFalse();
  }

  @Test
  void pairsArePacedWhateverTheCallRate() {
    long t0 = 1_000_000_000L;
    LatencyPairs pairs = new LatencyPairs(100_000_000L, t0);
    assertThat(pairs.claim(t0)).isTrue();
    assertThat(pairs.claim(t0 + 1)).isFalse();
    assertThat(pairs.claim(t0 + 99_999_999L)).isFalse();
    assertThat(pairs.claim(t0 + 100_000_000L)).isTrue();
    assertThat(pairs.currentFirst()).isNotEqualTo(pairs.currentFirst());
  }

  @Test
  void aReplacedVersionNotKeptClosesAtTheSwap() throws Exception {
    ServingModel v1 = load(1, manifest(1));
    registry.activate(v1);
    registry.activate(load(2, manifest(2)), false);
    assertThat(v1.tryAcquire()).isFalse();
    assertThat(registry.timeBeside("m", new LatencyPairs(1, 0))).isFalse();
  }

  @Test
  void predictOnAClosedRegistrySaysNoModelIsActive() throws Exception {
    registry.activate(load(1, manifest(1)));
    registry.closeAll();
    assertThatThrownBy(() -> registry.predict("m", Map.of(LinearModel.INPUT, Tensor.row(1, 2, 3))))
        .isInstanceOfSatisfying(PredictionException.class,
            e -> assertThat(e.reason()).isEqualTo(PredictionException.Reason.NO_ACTIVE_MODEL));
  }
}
