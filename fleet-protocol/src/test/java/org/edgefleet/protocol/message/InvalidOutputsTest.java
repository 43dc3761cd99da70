package org.edgefleet.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The invalid-output count in telemetry: optional on the wire, so older agents and servers keep talking. */
class InvalidOutputsTest {

  private static final Instant T = Instant.parse("2026-12-02T03:00:00Z");

  private static TelemetryBatch decode(String models) throws MessageException {
    String json = "{\"v\":1,\"deviceId\":\"dev-1\",\"seq\":1,\"from\":\"" + T + "\",\"to\":\"" + T.plusSeconds(10)
        + "\",\"models\":[" + models + "]}";
    return MessageCodec.decode(json.getBytes(StandardCharsets.UTF_8), TelemetryBatch.class, TelemetryBatch.MAX_BYTES);
  }

  @Test
  void anOlderAgentsMetricsWithoutTheCountReadAsUnknown() throws Exception {
    TelemetryBatch b = decode("{\"name\":\"m\",\"version\":2,\"count\":10,\"errors\":1}");
    assertThat(b.models().get(0).invalidOutputs()).isNull();
  }

  @Test
  void theCountRoundTripsAndIsLeftOutWhenUnknown() throws Exception {
    TelemetryBatch b = new TelemetryBatch(1, "dev-1", 1, T, T.plusSeconds(10),
        List.of(new TelemetryBatch.ModelMetrics("m", 2, 10, 1, null, null, null, 4L), new TelemetryBatch.ModelMetrics("m", 1, 5, 0, null)),
        null, Map.of());
    byte[] wire = MessageCodec.encode(b);
    assertThat(new String(wire, StandardCharsets.UTF_8)).containsOnlyOnce("invalidOutputs");
    TelemetryBatch back = MessageCodec.decode(wire, TelemetryBatch.class, TelemetryBatch.MAX_BYTES);
    assertThat(back).isEqualTo(b);
    assertThat(back.models().get(0).invalidOutputs()).isEqualTo(4L);
  }

  @Test
  void hostileCountsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> decode("{\"name\":\"m\",\"version\":2,\"count\":10,\"errors\":0,\"invalidOutputs\":11}"))
        .isInstanceOf(MessageException.class).hasMessageContaining("invalidOutputs");
    assertThatThrownBy(() -> decode("{\"name\":\"m\",\"version\":2,\"count\":10,\"errors\":0,\"invalidOutputs\":-1}"))
        .isInstanceOf(MessageException.class).hasMessageContaining("invalidOutputs");
    assertThatThrownBy(() -> decode("{\"name\":\"m\",\"version\":2,\"count\":10,\"errors\":0,\"invalidOutputs\":\"3\"}"))
        .isInstanceOf(MessageException.class);
    assertThatThrownBy(() -> decode("{\"name\":\"m\",\"version\":2,\"count\":10,\"errors\":0,\"invalidOutputs\":1.5}"))
        .isInstanceOf(MessageException.class);
    assertThatThrownBy(() -> decode("{\"name\":\"m\",\"version\":2,\"count\":10,\"errors\":0,\"invalidOutputs\":99999999999999999999999}"))
        .isInstanceOf(MessageException.class);
  }
}
