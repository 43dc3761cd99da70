package org.edgefleet.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.message.TelemetryBatch.DriftCounts;
import org.junit.jupiter.api.Test;

/** The drift field of telemetry: optional, counts only, bounded, and refused with a reason when hostile. */
class TelemetryDriftTest {

  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void driftCountsRoundTripAndBatchesWithoutThemStillDecode() throws Exception {
    TelemetryBatch b = new TelemetryBatch(MessageCodec.VERSION, "cam-1", 3, T, T.plusSeconds(10), List.of(), null, Map.of(),
        List.of(new DriftCounts("m", 1, "features", "a", List.of(1L, 2L, 3L))));
    assertThat(MessageCodec.decode(MessageCodec.encode(b), TelemetryBatch.class, TelemetryBatch.MAX_BYTES)).isEqualTo(b);

    String old = "{\"v\":1,\"deviceId\":\"cam-1\",\"seq\":1,\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-01T00:00:10Z\"}";
    TelemetryBatch decoded = MessageCodec.decode(old.getBytes(StandardCharsets.UTF_8), TelemetryBatch.class, TelemetryBatch.MAX_BYTES);
    assertThat(decoded.drift()).isEmpty();
  }

  @Test
  void hostileDriftCountsAreRefusedNamingTheProblem() {
    assertThatThrownBy(() -> new DriftCounts("m", 1, "features", "a", List.of(1L, -1L))).hasMessageContaining("must be >= 0");
    assertThatThrownBy(() -> new DriftCounts("m", 1, "features", "a", List.of(Long.MAX_VALUE, Long.MAX_VALUE)))
        .hasMessageContaining("total at most");
    assertThatThrownBy(() -> new DriftCounts("m", 1, "features", "a", List.of())).hasMessageContaining("need 1 to 1000 bins");
    assertThatThrownBy(() -> new DriftCounts("m", 1, "features", "a", Collections.nCopies(1001, 0L)))
        .hasMessageContaining("need 1 to 1000 bins");
    assertThatThrownBy(() -> new DriftCounts("m", 0, "features", "a", List.of(1L))).hasMessageContaining("version >= 1");
    assertThatThrownBy(() -> new DriftCounts("m", 1, "x".repeat(257), "a", List.of(1L))).hasMessageContaining("1 to 256 characters");
    List<DriftCounts> many = Collections.nCopies(TelemetryBatch.MAX_DRIFT_HISTOGRAMS + 1, new DriftCounts("m", 1, "i", "a", List.of(1L)));
    assertThatThrownBy(() -> new TelemetryBatch(MessageCodec.VERSION, "cam-1", 3, T, T, List.of(), null, Map.of(), many))
        .hasMessageContaining("the limit is " + TelemetryBatch.MAX_DRIFT_HISTOGRAMS);
    String nulls = "{\"v\":1,\"deviceId\":\"cam-1\",\"seq\":1,\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-01T00:00:10Z\","
        + "\"drift\":[{\"model\":\"m\",\"version\":1,\"input\":\"i\",\"feature\":\"a\",\"counts\":[1,null]}]}";
    assertThatThrownBy(() -> MessageCodec.decode(nulls.getBytes(StandardCharsets.UTF_8), TelemetryBatch.class, TelemetryBatch.MAX_BYTES))
        .isInstanceOf(MessageException.class);
  }
}
