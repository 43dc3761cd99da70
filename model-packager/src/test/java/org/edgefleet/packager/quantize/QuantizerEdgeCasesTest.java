package org.edgefleet.packager.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.edgefleet.packager.TestModels;
import org.edgefleet.protocol.bundle.QuantizationReport.Measure;
import org.edgefleet.protocol.bundle.QuantizationReport.OutputCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the quantizer leaves float, how it handles opsets, and what it refuses; every model runs in ONNX Runtime. */
class QuantizerEdgeCasesTest {

  @TempDir
  Path dir;

  @Test
  void weightsThatAreNotInitializersStayFloat() throws Exception {
    Path model = SmallModels.computedWeight(dir.resolve("computed.onnx"));
    QuantizeResult result = OnnxQuantizer.builder()
        .calibration(CsvModelInputs.read(SmallModels.rows(dir.resolve("rows.csv"), 200, 1)))
        .gate(new AccuracyGate(0.99, 0.3, null))
        .build().quantize(model, dir.resolve("computed.int8.onnx"));

    assertThat(result.quantization().report().ops()).isEqualTo(Map.of("MatMul", 1));
    assertThat(result.quantization().quantized()).containsExactly("W", "activations");
    ModelProto written = ModelProto.parseFrom(Files.readAllBytes(result.model()));
    assertThat(written.getGraph().getInitializerList()).filteredOn(t -> t.getName().equals("Vt"))
        .singleElement().matches(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE);
    assertThat(written.getGraph().getNodeList().stream().map(NodeProto::getOpType)).contains("Transpose");
    OutputCheck y = result.quantization().report().outputs().get(0);
    assertThat(y.measure()).isEqualTo(Measure.ERROR);
    assertThat(y.maxAbsError()).isGreaterThan(0).isLessThan(0.3);
  }

  @Test
  void modelWithNothingToQuantizeIsRefusedAndNothingWritten() throws Exception {
    Path model = TestModels.plusOne(dir.resolve("plus.onnx"), SmallModels.WIDTH);
    Path out = dir.resolve("plus.int8.onnx");
    assertThatThrownBy(() -> OnnxQuantizer.builder()
        .calibration(CsvModelInputs.read(SmallModels.rows(dir.resolve("rows.csv"), 10, 1)))
        .build().quantize(model, out))
        .isInstanceOf(QuantizationException.class).hasMessageContaining("nothing to quantize");
    assertThat(out).doesNotExist();
  }

  @Test
  void opsetBelow13IsRaisedWhenEveryOpMeansTheSame() throws Exception {
    Path model = SmallModels.gemm(dir.resolve("gemm11.onnx"), 11, false);
    QuantizeResult result = OnnxQuantizer.builder().mode(QuantizationMode.WEIGHT_ONLY)
        .calibration(CsvModelInputs.read(SmallModels.rows(dir.resolve("rows.csv"), 100, 2)))
        .build().quantize(model, dir.resolve("gemm11.int8.onnx"));
    ModelProto written = ModelProto.parseFrom(Files.readAllBytes(result.model()));
    assertThat(written.getOpsetImport(0).getVersion()).isEqualTo(13);
    assertThat(result.quantization().granularity()).isEqualTo("per-channel");
  }

  @Test
  void opsetBelow13WithAChangedOpIsRefusedPerChannelButWorksPerTensor() throws Exception {
    Path model = SmallModels.gemm(dir.resolve("softmax11.onnx"), 11, true);
    Path rows = SmallModels.rows(dir.resolve("rows.csv"), 100, 3);
    Path out = dir.resolve("softmax11.int8.onnx");
    assertThatThrownBy(() -> OnnxQuantizer.builder().calibration(CsvModelInputs.read(rows)).build().quantize(model, out))
        .isInstanceOf(QuantizationException.class)
        .hasMessageContaining("opset 11").hasMessageContaining("[Softmax]").hasMessageContaining("per tensor");
    assertThat(out).doesNotExist();

    QuantizeResult perTensor = OnnxQuantizer.builder().granularity(Granularity.PER_TENSOR)
        .calibration(CsvModelInputs.read(rows)).build().quantize(model, out);
    assertThat(ModelProto.parseFrom(Files.readAllBytes(out)).getOpsetImport(0).getVersion()).isEqualTo(11);
    assertThat(perTensor.quantization().report().outputs().get(0).measure()).isEqualTo(Measure.TOP1);
  }

  @Test
  void hostileFilesGetClearErrors() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.onnx"), "this is not a model\n");
    Path rows = SmallModels.rows(dir.resolve("rows.csv"), 10, 4);
    assertThatThrownBy(() -> OnnxQuantizer.builder().calibration(CsvModelInputs.read(rows)).build()
        .quantize(text, dir.resolve("out.onnx")))
        .isInstanceOf(QuantizationException.class).hasMessageContaining("is not an ONNX model");

    byte[] tflite = new byte[64];
    System.arraycopy("TFL3".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, tflite, 4, 4);
    Path flat = Files.write(dir.resolve("model.tflite"), tflite);
    assertThatThrownBy(() -> OnnxQuantizer.builder().calibration(CsvModelInputs.read(rows)).build()
        .quantize(flat, dir.resolve("out.onnx")))
        .isInstanceOf(QuantizationException.class)
        .hasMessageContaining("quantize the TFLite model at conversion; the packager checks its parameters");

    Path model = SmallModels.gemm(dir.resolve("gemm.onnx"), 13, true);
    Path narrow = Files.writeString(dir.resolve("narrow.csv"), "a,b\n1,2\n");
    assertThatThrownBy(() -> OnnxQuantizer.builder().calibration(CsvModelInputs.read(narrow)).build()
        .quantize(model, dir.resolve("out.onnx")))
        .isInstanceOf(QuantizationException.class)
        .hasMessageContaining("narrow.csv has 2 columns").hasMessageContaining("takes 6 values per row");
    assertThat(dir.resolve("out.onnx")).doesNotExist();
    assertThat(dir.resolve("out.onnx" + QuantizationSidecar.SUFFIX)).doesNotExist();
  }
}
