package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.tflite.OnnxTwin;
import org.edgefleet.tflite.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The references the fleet's answers are held to (PublishedModelsRolloutTest) hold on their own:
 * the two runtimes agree on the ONNX/TFLite pair, and Silero VAD behaves as published on the
 * stream the scenario feeds it, with its state carried by the caller.
 */
class PublishedModelReferencesTest {

  /** float32 outputs of magnitude 40-90: the two runtimes' kernels differ in the last bits. */
  static final double PAIR_TOLERANCE = 1e-3;

  @Test
  void onnxRuntimeAndTfliteAgreeOnTheSpeechEmbeddingPair() throws Exception {
    try (RawOnnxRuntime ort = new RawOnnxRuntime(TestModels.onnx(TestModels.EMBEDDING));
        RawTflite tflite = new RawTflite(TestModels.tflite(TestModels.EMBEDDING))) {
      for (long seed = 1; seed <= 3; seed++) {
        Tensor x = OnnxTwin.input(TestModels.EMBEDDING, PublishedModelsRolloutTest.EMBEDDING_SHAPE, seed);
        Tensor onnx = ort.run(Map.of(PublishedModelsRolloutTest.EMBEDDING_IN, x)).get(PublishedModelsRolloutTest.EMBEDDING_OUT);
        float[] lite = tflite.run(x.floats(), onnx.size());
        assertThat(OnnxTwin.maxAbs(onnx)).as("outputs are not all zero").isGreaterThan(1);
        assertThat(RawOnnxRuntime.maxAbsDiff(onnx, Tensor.ofFloats(onnx.shape(), lite))).isLessThan(PAIR_TOLERANCE);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("sileroVersions")
  void sileroVadHearsSilenceAsSilenceAndTheVoicedSoundAsSpeech(SileroStream stream) throws Exception {
    try (RawOnnxRuntime ort = new RawOnnxRuntime(TestModels.onnx(stream.model))) {
      List<Map<String, Tensor>> outputs = stream.run(ort::run);
      double loudest = 0;
      for (int i = 0; i < SileroStream.FRAMES; i++) {
        double p = outputs.get(i).get("output").floats()[0];
        if (SileroStream.voiced(i)) {
          loudest = Math.max(loudest, p);
        } else if (i < SileroStream.SILENT) {
          assertThat(p).as("speech probability of silent frame %d", i).isLessThan(SileroStream.SILENCE);
        }
      }
      assertThat(loudest).as("highest speech probability of the voiced frames").isGreaterThanOrEqualTo(SileroStream.SPEECH);
    }
  }

  @ParameterizedTest
  @MethodSource("sileroVersions")
  void sileroVadDependsOnTheStateTheCallerCarries(SileroStream stream) throws Exception {
    try (RawOnnxRuntime ort = new RawOnnxRuntime(TestModels.onnx(stream.model))) {
      List<Map<String, Tensor>> carried = stream.run(ort::run);
      int frame = SileroStream.SILENT + SileroStream.VOICED - 1;
      Tensor fresh = ort.run(stream.inputs(frame, stream.zeroState())).get("output");
      assertThat((double) Math.abs(fresh.floats()[0] - carried.get(frame).get("output").floats()[0]))
          .as("the same frame with a zero state and with the carried state").isGreaterThan(1e-3);
      for (String output : stream.state.keySet()) {
        assertThat(OnnxTwin.maxAbs(carried.get(frame).get(output))).as("the state %s the model returns", output).isPositive();
      }
    }
  }

  static List<SileroStream> sileroVersions() {
    return List.of(SileroStream.V4, SileroStream.V5);
  }
}
