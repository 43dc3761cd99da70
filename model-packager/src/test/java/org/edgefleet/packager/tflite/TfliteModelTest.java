package org.edgefleet.packager.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefleet.packager.onnx.ModelException;
import org.edgefleet.packager.onnx.OnnxModel;
import org.edgefleet.protocol.bundle.Manifest.Quantization;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.tflite.OnnxTwin;
import org.edgefleet.tflite.QuantParams;
import org.edgefleet.tflite.TestModels;
import org.edgefleet.tflite.TfliteModelWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packager's view of TFLite models: what OnnxModel reports for ONNX, and the same answers for a published pair. */
class TfliteModelTest {

  @TempDir Path dir;

  @Test
  void aPublishedPairDescribesAndComputesAlikeInBothFormats() throws Exception {
    for (String name : List.of(TestModels.EMBEDDING, TestModels.MELSPECTROGRAM, TestModels.HEY_JARVIS)) {
      try (TfliteModel tflite = TfliteModel.open(TestModels.tflite(name)); OnnxModel onnx = OnnxModel.open(TestModels.onnx(name))) {
        // TFLite names no dynamic dimension; the ONNX twin keeps tf2onnx's names (unk__314).
        assertThat(tflite.inputs()).isEqualTo(onnx.inputs().stream().map(s -> s.withDims(null)).toList());
        assertThat(tflite.outputs()).isEqualTo(onnx.outputs().stream().map(s -> s.withDims(null)).toList());
        assertThat(tflite.quantization()).isEqualTo(Quantization.NONE);
        assertThat(tflite.opset()).isEmpty();
        TensorSpec in = tflite.inputs().get(0);
        long[] shape = in.shape().stream().mapToLong(d -> d == -1 ? 2 : d).toArray();
        if (name.equals(TestModels.MELSPECTROGRAM)) {
          shape[1] = 1600;
        }
        Map<String, Tensor> feeds = Map.of(in.name(), OnnxTwin.input(name, shape, 3));
        String out = tflite.outputs().get(0).name();
        Tensor expected = onnx.run(feeds).get(out);
        assertThat(OnnxTwin.maxAbsDiff(tflite.run(feeds).get(out), expected)).isLessThan(1e-4 * Math.max(1, OnnxTwin.maxAbs(expected)));
      }
    }
  }

  @Test
  void quantizedModelsStateTheirSchemeAndTheScalesOfTheirInputsAndOutputs() throws Exception {
    try (TfliteModel int8 = TfliteModel.open(Files.write(dir.resolve("int8.tflite"), TfliteModelWriter.int8FullyConnected()))) {
      assertThat(int8.quantization()).isEqualTo(new Quantization("int8-static", "per-channel", List.of("weights", "bias", "activations")));
      assertThat(int8.inputs()).containsExactly(new TensorSpec("q_in", DType.INT8, List.of(-1L, 4L)));
      assertThat(int8.tensorQuantization()).containsOnly(
          Map.entry("q_in", QuantParams.perTensor(TfliteModelWriter.IN_SCALE, TfliteModelWriter.IN_ZERO_POINT)),
          Map.entry("q_out", QuantParams.perTensor(TfliteModelWriter.OUT_SCALE, TfliteModelWriter.OUT_ZERO_POINT)));
    }
    try (TfliteModel uint8 = TfliteModel.open(Files.write(dir.resolve("uint8.tflite"), TfliteModelWriter.uint8RoundTrip()))) {
      assertThat(uint8.quantization().scheme()).isEqualTo("uint8-static");
      assertThat(uint8.tensorQuantization()).containsOnlyKeys("q", "q_x");
      Tensor real = uint8.run(Map.of("q", Tensor.ofLongs(DType.UINT8, new long[] {1, 4}, new long[] {128, 138, 0, 255}),
          "x", Tensor.row(0, 0, 0, 0))).get("real");
      assertThat(real.floats()).containsExactly(0f, 1f, -12.8f, 12.7f);
    }
  }

  @Test
  void filesThatAreNotTfliteModelsAreRefusedWithTheFileNamed() throws Exception {
    Path onnx = TestModels.onnx(TestModels.HEY_JARVIS);
    assertThatThrownBy(() -> TfliteModel.open(onnx)).isInstanceOf(ModelException.class)
        .hasMessageContaining(onnx.toString()).hasMessageContaining("not a TensorFlow Lite model");
    byte[] model = Files.readAllBytes(TestModels.tflite(TestModels.HEY_JARVIS));
    Path cut = Files.write(dir.resolve("cut.tflite"), java.util.Arrays.copyOf(model, 1000));
    assertThatThrownBy(() -> TfliteModel.open(cut)).isInstanceOf(ModelException.class).hasMessageContaining("truncated or corrupt");
  }
}
