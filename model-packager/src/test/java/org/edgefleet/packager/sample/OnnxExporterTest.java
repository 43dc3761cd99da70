package org.edgefleet.packager.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxExporterTest {

  private static Mlp mlp;
  private static MotorDataset test;

  private final OnnxExporter exporter = OnnxExporter.forFeatures(MotorFeature.names());

  @TempDir
  Path dir;

  @BeforeAll
  static void train() {
    MotorDataset.Split split = MotorDataGenerator.create().dataset(6_000, 17).split(0.25, 17);
    mlp = MlpTrainer.create().withEpochs(20).withSeed(17).train(split.train());
    test = split.test();
  }

  @Test
  void onnxRuntimeMatchesTheJavaForwardPass() throws Exception {
    Path file = dir.resolve("model.onnx");
    exporter.write(mlp, file);

    try (OrtModel ort = new OrtModel(file)) {
      OrtModel.Outputs out = ort.run(test.features());

      float[][] expected = mlp.probabilities(test.features());
      for (int i = 0; i < expected.length; i++) {
        assertThat(out.probabilities()[i]).containsExactly(expected[i], within(1e-4f));
        assertThat(out.probabilities()[i][0] + out.probabilities()[i][1]).isCloseTo(1f, within(1e-5f));
      }
      assertThat(out.labelsAsInts()).isEqualTo(mlp.predict(test.features()));
    }
  }

  @Test
  void classifiesHeldOutRowsWell() throws Exception {
    try (OrtModel ort = new OrtModel(exporter.toBytes(mlp))) {
      ClassificationMetrics metrics = ClassificationMetrics.of(ort.run(test.features()).labelsAsInts(), test.labels());

      assertThat(metrics.accuracy()).isGreaterThan(0.90);
      assertThat(metrics.precision()).isGreaterThan(0.75);
      assertThat(metrics.recall()).isGreaterThan(0.5);
    }
  }

  @Test
  void declaresADynamicBatchAndTheFeatureNames() throws Exception {
    try (OrtModel ort = new OrtModel(exporter.toBytes(mlp))) {
      assertThat(ort.session.getInputNames()).containsExactly(OnnxExporter.INPUT);
      assertThat(ort.session.getOutputNames()).containsExactly(OnnxExporter.PROBABILITIES, OnnxExporter.LABEL);
      TensorInfo input = tensor(ort.session.getInputInfo().get(OnnxExporter.INPUT));
      TensorInfo probabilities = tensor(ort.session.getOutputInfo().get(OnnxExporter.PROBABILITIES));
      TensorInfo label = tensor(ort.session.getOutputInfo().get(OnnxExporter.LABEL));
      assertThat(input.type).isEqualTo(OnnxJavaType.FLOAT);
      assertThat(input.getShape()).containsExactly(-1, 8);
      assertThat(input.getDimensionNames()).containsExactly(OnnxExporter.BATCH_DIM, "");
      assertThat(probabilities.getShape()).containsExactly(-1, 2);
      assertThat(label.type).isEqualTo(OnnxJavaType.INT64);
      assertThat(label.getShape()).containsExactly(-1);
      assertThat(ort.session.getMetadata().getCustomMetadata())
          .containsEntry(OnnxExporter.FEATURE_NAMES_KEY, String.join(",", MotorFeature.names()));
    }
  }

  @Test
  void givesEachRowTheSameAnswerWhateverTheBatchSize() throws Exception {
    float[][] rows = test.head(64).features();
    try (OrtModel ort = new OrtModel(exporter.toBytes(mlp))) {
      float[][] whole = ort.run(rows).probabilities();
      for (int batch : new int[] {1, 7, 64}) {
        for (int start = 0; start < rows.length; start += batch) {
          float[][] part = Arrays.copyOfRange(rows, start, Math.min(rows.length, start + batch));
          float[][] out = ort.run(part).probabilities();
          assertThat(out.length).isEqualTo(part.length);
          for (int i = 0; i < out.length; i++) {
            assertThat(out[i]).containsExactly(whole[start + i], within(1e-6f));
          }
        }
      }
    }
  }

  @Test
  void int8VariantStoresInt8WeightsBehindDequantizeLinear() throws Exception {
    ModelProto model = exporter.withPrecision(WeightPrecision.INT8).toModel(mlp);

    List<String> ops = model.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    assertThat(ops).containsExactly("Sub", "Mul", "DequantizeLinear", "DequantizeLinear",
        "MatMul", "Add", "Relu", "MatMul", "Add", "Softmax", "ArgMax");
    assertThat(model.getGraph().getInitializerList())
        .filteredOn(t -> t.getName().endsWith("_quantized"))
        .extracting(TensorProto::getDataType)
        .containsExactly(TensorProto.DataType.INT8_VALUE, TensorProto.DataType.INT8_VALUE);
    assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(OnnxExporter.OPSET);
    assertThat(model.getIrVersion()).isEqualTo(OnnxExporter.IR_VERSION);
    assertThat(model.getSerializedSize()).isLessThan(exporter.toModel(mlp).getSerializedSize());
  }

  @Test
  void int8VariantRunsCloseToFp32() throws Exception {
    float[][] rows = test.features();
    try (OrtModel int8 = new OrtModel(exporter.withPrecision(WeightPrecision.INT8).toBytes(mlp))) {
      OrtModel.Outputs out = int8.run(rows);

      // Exactly the Java forward pass over int8-rounded weights ...
      float[][] expected = mlp.withInt8Weights().probabilities(rows);
      float[][] fp32 = mlp.probabilities(rows);
      float worst = 0;
      for (int i = 0; i < rows.length; i++) {
        assertThat(out.probabilities()[i]).containsExactly(expected[i], within(1e-4f));
        worst = Math.max(worst, Math.abs(out.probabilities()[i][1] - fp32[i][1]));
      }
      // ... and close to fp32: a small probability error, almost no flipped decisions.
      assertThat(worst).isLessThan(0.05f);
      double fp32Accuracy = ClassificationMetrics.of(mlp.predict(rows), test.labels()).accuracy();
      double int8Accuracy = ClassificationMetrics.of(out.labelsAsInts(), test.labels()).accuracy();
      assertThat(int8Accuracy).isCloseTo(fp32Accuracy, within(0.01));
    }
  }

  @Test
  void rejectsFeatureNamesThatDoNotFitTheModel() {
    assertThatThrownBy(() -> OnnxExporter.forFeatures(List.of("a", "b")).toModel(mlp))
        .hasMessage("the model takes 8 features but 2 names were given: [a, b]");
    assertThatThrownBy(() -> OnnxExporter.forFeatures(List.of("a,b")))
        .hasMessageContaining("free of commas");
  }

  private static TensorInfo tensor(NodeInfo node) throws OrtException {
    return (TensorInfo) node.getInfo();
  }
}
