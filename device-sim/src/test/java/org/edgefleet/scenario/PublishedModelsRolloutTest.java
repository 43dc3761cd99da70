package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.SimulatedDevice;
import org.edgefleet.tflite.OnnxTwin;
import org.edgefleet.tflite.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own published models from file to fleet: each is packaged by the packager's command
 * line with nothing but the model file and what a user knows about it, uploaded, rolled out over
 * MQTT to three simulated agents, self-tested there (a device activates a bundle only after its
 * test vectors pass), and then answers {@code predict} through the agent's Java API with what
 * ONNX Runtime's own API computes on the published ONNX file (RawOnnxRuntime; the references are
 * checked on their own in PublishedModelReferencesTest).
 */
class PublishedModelsRolloutTest {

  static final String EMBEDDING_IN = "input_1";
  static final String EMBEDDING_OUT = "conv2d_19";
  static final long[] EMBEDDING_SHAPE = {1, 76, 32, 1};
  static final int DEVICES = 3;
  /** The agent runs the same ONNX Runtime on the same file: only thread scheduling could move a bit. */
  static final double SAME_RUNTIME = 1e-4;

  @TempDir Path dir;

  @Test
  void theSpeechEmbeddingCnnWithA4DInputServesWhatOnnxRuntimeComputes() throws Exception {
    try (FleetFixture fleet = FleetFixture.embedded(dir)) {
      PackagerCommand.Packaged p = PackagerCommand.packageModel(dir.resolve("cli"), fleet.packagerKey, "speech-embedding-1",
          List.of("--model", TestModels.onnx(TestModels.EMBEDDING).toString(), "--name", "speech-embedding", "--version", "1",
              "--tolerance", "1e-3"));
      List<EdgeAgent> agents = rollOut(fleet, p, "speech-embedding", "hw=mic");
      try (RawOnnxRuntime reference = new RawOnnxRuntime(TestModels.onnx(TestModels.EMBEDDING))) {
        assertEmbeddingsMatch(agents, "speech-embedding", reference, SAME_RUNTIME);
      }
    }
  }

  @Test
  void theTfliteTwinOfThePairServesWhatOnnxRuntimeComputesOnTheOnnxTwin() throws Exception {
    try (FleetFixture fleet = FleetFixture.embedded(dir)) {
      PackagerCommand.Packaged p = PackagerCommand.packageModel(dir.resolve("cli"), fleet.packagerKey, "speech-embedding-lite-1",
          List.of("--model", TestModels.tflite(TestModels.EMBEDDING).toString(), "--name", "speech-embedding-lite", "--version", "1",
              "--tolerance", "1e-3"));
      assertThat(p.stdout()).as("the packager's summary").contains("(tflite,");
      List<EdgeAgent> agents = rollOut(fleet, p, "speech-embedding-lite", "hw=mic");
      try (RawOnnxRuntime reference = new RawOnnxRuntime(TestModels.onnx(TestModels.EMBEDDING));
          RawTflite bare = new RawTflite(TestModels.tflite(TestModels.EMBEDDING))) {
        assertEmbeddingsMatch(agents, "speech-embedding-lite", reference, PublishedModelReferencesTest.PAIR_TOLERANCE);
        // And what JavaCPP's interpreter computes on the same file, with nothing of ours between.
        Tensor x = OnnxTwin.input(TestModels.EMBEDDING, EMBEDDING_SHAPE, 21);
        for (EdgeAgent agent : agents) {
          Tensor served = agent.predict("speech-embedding-lite", Map.of(EMBEDDING_IN, x)).output(EMBEDDING_OUT);
          assertThat(RawOnnxRuntime.maxAbsDiff(Tensor.ofFloats(served.shape(), bare.run(x.floats(), served.size())), served))
              .as("%s against the bare interpreter", agent).isLessThan(SAME_RUNTIME);
        }
      }
    }
  }

  @Test
  void sileroVadV4WithFourInputsAndAnInt64ScalarCarriesItsStateThroughTheCaller() throws Exception {
    streamsLikeOnnxRuntime(SileroStream.V4, "silero-vad");
  }

  @Test
  void sileroVadV5WithOneStateTensorOfDynamicShapeCarriesItsStateThroughTheCaller() throws Exception {
    streamsLikeOnnxRuntime(SileroStream.V5, "silero-vad-v5");
  }

  private void streamsLikeOnnxRuntime(SileroStream stream, String model) throws Exception {
    try (FleetFixture fleet = FleetFixture.embedded(dir)) {
      PackagerCommand.Packaged p = PackagerCommand.packageModel(dir.resolve("cli"), fleet.packagerKey, model + "-1",
          SileroPackaging.arguments(dir.resolve("cli"), stream, model, 1));
      // The devices' self-test runs the whole stream, each step on the state of its own previous step.
      assertThat(p.stdout()).as("the packager's summary")
          .contains("test vectors: " + SileroStream.FRAMES + " (1 sequence(s), state carried " + (SileroStream.FRAMES - 1) + " times)");
      List<EdgeAgent> agents = rollOut(fleet, p, model, "hw=mic");
      try (RawOnnxRuntime reference = new RawOnnxRuntime(TestModels.onnx(stream.model))) {
        List<Map<String, Tensor>> expected = stream.run(reference::run);
        for (EdgeAgent agent : agents) {
          List<Map<String, Tensor>> actual = stream.run(in -> agent.predict(model, in).outputs());
          for (int i = 0; i < SileroStream.FRAMES; i++) {
            for (String output : stream.outputs()) {
              assertThat(RawOnnxRuntime.maxAbsDiff(expected.get(i).get(output), actual.get(i).get(output)))
                  .as("%s of frame %d on %s", output, i, agent).isLessThan(SAME_RUNTIME);
            }
          }
        }
      }
    }
  }

  /** Uploads the bundle, rolls it out to {@link #DEVICES} agents and waits until all serve it. */
  private static List<EdgeAgent> rollOut(FleetFixture fleet, PackagerCommand.Packaged packaged, String model, String selector)
      throws Exception {
    assertThat(packaged.stdout()).as("the packager's summary").contains("test vectors:");
    fleet.upload(packaged.bundle());
    String[] label = selector.split("=");
    FleetSimulator sim = fleet.simulate(DEVICES, List.of(new DeviceProfile("listener", Map.of(label[0], label[1]), 0, 0)),
        b -> b);
    fleet.awaitDevicesKnown(DEVICES);
    fleet.rollout(model, 1, selector);
    await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(model, 1) == DEVICES);
    List<EdgeAgent> agents = new ArrayList<>();
    for (SimulatedDevice d : sim.devices()) {
      agents.add(d.agent());
    }
    return agents;
  }

  private static void assertEmbeddingsMatch(List<EdgeAgent> agents, String model, RawOnnxRuntime reference, double tolerance)
      throws Exception {
    for (long seed = 11; seed <= 13; seed++) {
      Tensor x = OnnxTwin.input(TestModels.EMBEDDING, EMBEDDING_SHAPE, seed);
      Tensor expected = reference.run(Map.of(EMBEDDING_IN, x)).get(EMBEDDING_OUT);
      for (EdgeAgent agent : agents) {
        Tensor actual = agent.predict(model, Map.of(EMBEDDING_IN, x)).output(EMBEDDING_OUT);
        assertThat(RawOnnxRuntime.maxAbsDiff(expected, actual)).as("%s on input %d", agent, seed).isLessThan(tolerance);
      }
    }
  }
}
