package org.edgefleet.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The published openWakeWord models, which ship as both .onnx and .tflite: the TFLite interpreter
 * must give what ONNX Runtime gives on the ONNX twin, within a tolerance relative to the output's
 * magnitude, at several (dynamic) input shapes and with XNNPACK on or off.
 */
class PublishedModelsTest {

  /** Max |tflite - onnx| allowed, as a fraction of max |onnx| (float32 kernels of two runtimes). */
  static final double RELATIVE_TOLERANCE = 1e-4;

  @BeforeAll
  static void natives() throws TfliteException {
    TestModels.loadNatives();
  }

  @ParameterizedTest(name = "{0} {1} xnnpack={2}")
  @CsvSource({
      "embedding_model, 1:76:32:1, true",
      "embedding_model, 3:76:32:1, true",
      "embedding_model, 2:76:32:1, false",
      "melspectrogram, 1:1280, true",
      "melspectrogram, 1:4000, true",
      "melspectrogram, 2:1760, false",
      "hey_jarvis_v0.1, 1:16:96, true",
      "hey_jarvis_v0.1, 1:16:96, false"})
  void tfliteMatchesTheOnnxTwin(String model, String shapeText, boolean xnnpack) throws Exception {
    long[] shape = java.util.Arrays.stream(shapeText.split(":")).mapToLong(Long::parseLong).toArray();
    try (TfliteFile file = TfliteFile.open(TestModels.tflite(model));
        TfliteInterpreter it = file.newInterpreter(new TfliteOptions(1, xnnpack));
        OnnxTwin twin = new OnnxTwin(TestModels.onnx(model))) {
      String in = it.inputs().get(0).name();
      String out = it.outputs().get(0).name();
      for (long seed = 1; seed <= 3; seed++) {
        Tensor x = OnnxTwin.input(model, shape, seed);
        Tensor expected = twin.run(x);
        Tensor actual = it.run(Map.of(in, x)).get(out);
        double diff = OnnxTwin.maxAbsDiff(actual, expected);
        System.out.printf("%s %s xnnpack=%s seed=%d max|diff|=%.3g max|onnx|=%.3g%n", model, shapeText, xnnpack, seed,
            diff, OnnxTwin.maxAbs(expected));
        assertThat(diff).isLessThanOrEqualTo(RELATIVE_TOLERANCE * Math.max(1, OnnxTwin.maxAbs(expected)));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"1280", "4000", "1280", "640"})
  void oneInterpreterFollowsChangingInputLengths(int samples) throws Exception {
    // The melspectrogram's frame count follows the audio length; resizing back and forth on one
    // interpreter must give what a fresh ONNX session gives each time.
    try (TfliteFile file = TfliteFile.open(TestModels.tflite(TestModels.MELSPECTROGRAM));
        TfliteInterpreter it = file.newInterpreter(TfliteOptions.DEFAULT);
        OnnxTwin twin = new OnnxTwin(TestModels.onnx(TestModels.MELSPECTROGRAM))) {
      for (int n : new int[] {samples, 2 * samples, samples}) {
        Tensor x = OnnxTwin.input(TestModels.MELSPECTROGRAM, new long[] {1, n}, n);
        Tensor actual = it.run(Map.of("input", x)).get("output");
        Tensor expected = twin.run(x);
        assertThat(actual.shape()).containsExactly(expected.shape());
        assertThat(actual.dim(2)).isEqualTo(n / 160 - 3); // 10 ms hop, 25 ms window
        assertThat(OnnxTwin.maxAbsDiff(actual, expected)).isLessThanOrEqualTo(RELATIVE_TOLERANCE * Math.max(1, OnnxTwin.maxAbs(expected)));
      }
    }
  }
}
