package org.edgefleet.protocol.bundle;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.bundle.QuantizationReport.Measure;
import org.edgefleet.protocol.bundle.QuantizationReport.OutputCheck;
import org.edgefleet.protocol.json.Json;
import org.junit.jupiter.api.Test;

class QuantizationReportTest {

  private static final QuantizationReport REPORT = new QuantizationReport(Map.of("Conv", 2, "Gemm", 1), 1640, "uint8",
      "percentile-99.99", 300, 300, List.of(new OutputCheck("probabilities", Measure.TOP1, 0.997, 0.02, 0.001)));

  @Test
  void roundTripsThroughJsonWithWireNames() {
    Manifest.Quantization q = new Manifest.Quantization("int8-static", "per-channel", List.of("conv_w", "activations"), REPORT);
    String json = Json.writeString(q);
    assertThat(json).contains("\"measure\":\"top1\"", "\"ops\":{\"Conv\":2,\"Gemm\":1}", "\"calibrationRows\":300");
    assertThat(Json.read(json.getBytes(UTF_8), Manifest.Quantization.class)).isEqualTo(q);
  }

  @Test
  void aQuantizationSectionWithoutReportStillReads() {
    Manifest.Quantization q = Json.read("{\"scheme\":\"int8-weight-only\",\"granularity\":\"per-tensor\",\"quantized\":[\"W1\"]}"
        .getBytes(UTF_8), Manifest.Quantization.class);
    assertThat(q).isEqualTo(new Manifest.Quantization("int8-weight-only", "per-tensor", List.of("W1")));
    assertThat(q.report()).isNull();
  }

  @Test
  void refusesFiguresThatCannotBeTrue() {
    assertThatThrownBy(() -> new OutputCheck("y", Measure.ERROR, 0.5, 0.1, 0.01)).hasMessageContaining("absent for error");
    assertThatThrownBy(() -> new OutputCheck("y", Measure.TOP1, 1.5, 0.1, 0.01)).hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> new OutputCheck("y", Measure.ERROR, null, Double.NaN, 0.01)).hasMessageContaining("finite");
    assertThatThrownBy(() -> new QuantizationReport(Map.of(), 1, "uint8", null, 3, 3, List.of()))
        .hasMessageContaining("go together");
  }
}
