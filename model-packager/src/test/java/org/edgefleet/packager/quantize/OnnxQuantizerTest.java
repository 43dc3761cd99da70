package org.edgefleet.packager.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefleet.packager.onnx.OnnxModel;
import org.edgefleet.packager.sample.SampleModelReport;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.QuantizationReport;
import org.edgefleet.protocol.bundle.QuantizationReport.Measure;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quantizes the sample MLP and the shapes CNN for real and runs the results in ONNX Runtime. */
class OnnxQuantizerTest {

  @TempDir
  static Path dir;
  static QuantizeFixtures.Cnn cnn;
  static SampleModelReport mlp;

  @BeforeAll
  static void models() throws Exception {
    cnn = QuantizeFixtures.cnn(dir);
    mlp = QuantizeFixtures.mlp(dir.resolve("mlp"));
  }

  @Test
  void cnnStaticQuantizationKeepsTop1AndShrinksTheWeights() throws Exception {
    QuantizeResult result = OnnxQuantizer.builder()
        .calibration(CsvModelInputs.read(cnn.calibration()))
        .validation(CsvModelInputs.read(cnn.validation()))
        .build().quantize(cnn.model(), dir.resolve("shapes.static.onnx"));

    Manifest.Quantization q = result.quantization();
    assertThat(q.scheme()).isEqualTo("int8-static");
    assertThat(q.granularity()).isEqualTo("per-channel");
    assertThat(q.quantized()).containsExactly("conv_w", "head_w", "activations");
    QuantizationReport report = q.report();
    assertThat(report.ops()).isEqualTo(Map.of("Conv", 1, "Gemm", 1));
    assertThat(report.weightValues()).isEqualTo(8 * 9 + 4 * 392);
    assertThat(report.activationType()).isEqualTo("uint8");
    assertThat(report.calibrationRows()).isEqualTo(QuantizeFixtures.CNN_CALIBRATION_IMAGES);
    assertThat(report.comparedRows()).isEqualTo(QuantizeFixtures.CNN_CALIBRATION_IMAGES);
    QuantizationReport.OutputCheck check = report.outputs().get(0);
    assertThat(check.measure()).isEqualTo(Measure.TOP1);
    assertThat(check.agreement()).isGreaterThanOrEqualTo(0.99);
    assertThat(result.weightRatio()).isLessThan(0.3);
    // The graph itself (nodes, names, the QDQ pairs) is a large share of a model this small.
    assertThat(result.fileRatio()).isLessThan(0.6);

    ModelProto written = ModelProto.parseFrom(Files.readAllBytes(result.model()));
    List<String> ops = written.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    assertThat(ops).contains("QuantizeLinear", "DequantizeLinear", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Softmax");
    assertThat(QuantizationSidecar.readFor(result.model())).contains(q);

    // The quantized model classifies held-out images about as well as the float one does.
    float[][] images = cnn.validationImages().images();
    int[] labels = cnn.validationImages().labels();
    double floatAccuracy = accuracy(cnn.network().predict(images), labels);
    double int8Accuracy = accuracy(argmax(result.model(), images), labels);
    assertThat(floatAccuracy).isGreaterThan(0.9);
    assertThat(int8Accuracy).isGreaterThan(floatAccuracy - 0.02);
  }

  @Test
  void cnnWeightOnlyQuantizationAddsNoActivationQuantizers() throws Exception {
    QuantizeResult result = OnnxQuantizer.builder().mode(QuantizationMode.WEIGHT_ONLY)
        .calibration(CsvModelInputs.read(cnn.validation()))
        .build().quantize(cnn.model(), dir.resolve("shapes.weights.onnx"));

    assertThat(result.quantization().scheme()).isEqualTo("int8-weight-only");
    assertThat(result.quantization().report().activationType()).isNull();
    assertThat(result.quantization().report().outputs().get(0).agreement()).isGreaterThanOrEqualTo(0.99);
    ModelProto written = ModelProto.parseFrom(Files.readAllBytes(result.model()));
    assertThat(written.getGraph().getNodeList()).noneMatch(n -> n.getOpType().equals("QuantizeLinear"));
    assertThat(written.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("DequantizeLinear")))
        .hasSize(2).allMatch(n -> OnnxTensors.intAttribute(n, "axis", -1) >= 0);
  }

  @Test
  void sampleMlpQuantizesBothWays() throws Exception {
    for (QuantizationMode mode : QuantizationMode.values()) {
      QuantizeResult result = OnnxQuantizer.builder().mode(mode)
          .calibration(CsvModelInputs.read(mlp.calibration()))
          .build().quantize(mlp.model(), dir.resolve("mlp-" + mode.wireName() + ".onnx"));
      QuantizationReport report = result.quantization().report();
      assertThat(report.ops()).isEqualTo(Map.of("MatMul", 2));
      assertThat(report.outputs()).extracting(QuantizationReport.OutputCheck::output, QuantizationReport.OutputCheck::measure)
          .containsExactly(tuple("probabilities", Measure.TOP1),
              tuple("label", Measure.EXACT));
      assertThat(report.outputs()).allMatch(c -> c.agreement() >= 0.99);
      if (mode == QuantizationMode.WEIGHT_ONLY) {
        assertThat(result.quantizedFileBytes()).isLessThan(result.floatFileBytes());
      }
    }
  }

  @Test
  void perTensorScalesCostLessOnTheSampleMlpsSmallMatrices() throws Exception {
    QuantizeResult perTensor = OnnxQuantizer.builder().mode(QuantizationMode.WEIGHT_ONLY).granularity(Granularity.PER_TENSOR)
        .calibration(CsvModelInputs.read(mlp.calibration()))
        .build().quantize(mlp.model(), dir.resolve("mlp-per-tensor.onnx"));
    assertThat(perTensor.quantization().granularity()).isEqualTo("per-tensor");
    assertThat(perTensor.weightRatio()).isLessThan(0.3);
    assertThat(perTensor.quantization().report().outputs()).allMatch(c -> c.agreement() >= 0.99);
  }

  private static double accuracy(int[] predicted, int[] labels) {
    int right = 0;
    for (int i = 0; i < labels.length; i++) {
      right += predicted[i] == labels[i] ? 1 : 0;
    }
    return (double) right / labels.length;
  }

  private static int[] argmax(Path model, float[][] images) throws Exception {
    int[] out = new int[images.length];
    try (OnnxModel session = OnnxModel.open(model)) {
      for (int i = 0; i < images.length; i++) {
        Tensor p = session.run(Map.of("image", Tensor.ofFloats(new long[] {1, 1, 16, 16}, images[i]))).get("probabilities");
        int best = 0;
        for (int k = 1; k < p.size(); k++) {
          best = p.get(k) > p.get(best) ? k : best;
        }
        out[i] = best;
      }
    }
    return out;
  }
}
