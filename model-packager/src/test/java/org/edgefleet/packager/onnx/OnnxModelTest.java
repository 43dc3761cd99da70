package org.edgefleet.packager.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefleet.packager.TestModels;
import org.edgefleet.packager.sample.MotorFeature;
import org.edgefleet.packager.sample.SampleModel;
import org.edgefleet.packager.sample.SampleModelReport;
import org.edgefleet.protocol.bundle.Manifest.Quantization;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelTest {

  @TempDir
  static Path dir;

  private static SampleModelReport sample;

  @BeforeAll
  static void buildSample() throws Exception {
    sample = SampleModel.build(dir.resolve("sample"), 3);
  }

  @Test
  void describesInputsOutputsAndOpsetFromTheModelItself() throws Exception {
    try (OnnxModel model = OnnxModel.open(sample.model())) {
      List<String> batch = java.util.Arrays.asList("batch", null);
      assertThat(model.inputs()).containsExactly(new TensorSpec("features", DType.FLOAT32, List.of(-1L, 8L), null, null, batch));
      assertThat(model.outputs()).containsExactly(
          new TensorSpec("probabilities", DType.FLOAT32, List.of(-1L, 2L), null, null, batch),
          new TensorSpec("label", DType.INT64, List.of(-1L), null, null, List.of("batch")));
      assertThat(model.opset()).hasValue(13);
      assertThat(model.featureNames()).isEqualTo(MotorFeature.names());
      assertThat(model.quantization()).isEqualTo(Quantization.NONE);
    }
  }

  @Test
  void detectsInt8WeightOnlyQuantization() throws Exception {
    try (OnnxModel model = OnnxModel.open(sample.int8Model())) {
      assertThat(model.quantization())
          .isEqualTo(new Quantization("int8-weight-only", "per-tensor", List.of("W1_quantized", "W2_quantized")));
    }
  }

  @Test
  void runsOnProtocolTensors() throws Exception {
    float[] row = {1.1f, 0.9f, 0.6f, 3.0f, 3.2f, 55f, 8.5f, 1800f};
    try (OnnxModel model = OnnxModel.open(sample.model())) {
      Map<String, Tensor> out = model.run(Map.of("features", Tensor.row(row)));

      assertThat(out).containsOnlyKeys("probabilities", "label");
      float[] expected = sample.mlp().probabilities(row);
      assertThat(out.get("probabilities").floats()).containsExactly(expected, within(1e-5f));
      assertThat(out.get("label").longs()).containsExactly(sample.mlp().predict(row));
      assertThat(out.get("label").shape()).containsExactly(1);
    }
  }

  @Test
  void aModelWithoutMetadataHasNoFeatureNames() throws Exception {
    try (OnnxModel model = OnnxModel.open(TestModels.plusOne(dir.resolve("plus.onnx"), 3))) {
      assertThat(model.featureNames()).isEmpty();
      assertThat(model.run(Map.of("x", Tensor.row(1f, 2f, 3f))).get("y").floats()).containsExactly(2f, 3f, 4f);
    }
  }

  @Test
  void aWrongInputFailsWithTheRuntimesReason() throws Exception {
    try (OnnxModel model = OnnxModel.open(sample.model())) {
      assertThatThrownBy(() -> model.run(Map.of("features", Tensor.row(1f, 2f))))
          .isInstanceOf(ModelException.class)
          .hasMessageStartingWith("ONNX Runtime failed to run the model: ");
    }
  }

  @Test
  void refusesFilesThatAreNotOnnxModels() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.onnx"), "vib_rms_x,vib_rms_y\n1,2\n");
    assertThatThrownBy(() -> OnnxModel.open(text))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("notes.onnx is not an ONNX model");
    assertThatThrownBy(() -> OnnxModel.open(dir.resolve("missing.onnx"))).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void refusesAValidProtobufThatOnnxRuntimeCannotLoad() throws Exception {
    // An empty ModelProto parses, but has no graph and no opset.
    Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
    assertThatThrownBy(() -> OnnxModel.open(empty))
        .isInstanceOf(ModelException.class)
        .hasMessageStartingWith("ONNX Runtime cannot load " + empty);
  }
}
