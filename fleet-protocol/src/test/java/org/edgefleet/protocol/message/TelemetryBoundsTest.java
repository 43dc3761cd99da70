package org.edgefleet.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Every counter that crosses the wire is bounded where the message is built or decoded. */
class TelemetryBoundsTest {

  private static final Instant T = Instant.parse("2026-11-23T12:00:00Z");

  private static TelemetryBatch batch(Instant to, long count, long errors, Map<String, Long> counters) {
    return new TelemetryBatch(1, "dev-1", 1, T, to, List.of(new TelemetryBatch.ModelMetrics("m", 1, count, errors, null)), null,
        counters);
  }

  @Test
  void countsAreBoundedByTheBatchInterval() {
    long tenSeconds = 11 * TelemetryBatch.MAX_INFERENCES_PER_SECOND;
    assertThat(batch(T.plusSeconds(10), tenSeconds, tenSeconds, null).models().get(0).count()).isEqualTo(tenSeconds);
    assertThatThrownBy(() -> batch(T.plusSeconds(10), tenSeconds + 1, 0, null))
        .hasMessageContaining("count of model m").hasMessageContaining("per second of the interval");
    assertThatThrownBy(() -> batch(T.plusSeconds(10), Long.MAX_VALUE, 0, null)).hasMessageContaining("count <= ");
    assertThatThrownBy(() -> batch(T.plusSeconds(10), 5, 6, null)).hasMessageContaining("errors <= count");
    assertThatThrownBy(() -> batch(T.plusSeconds(10), -1, 0, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> batch(T.plus(TelemetryBatch.MAX_INTERVAL).plusSeconds(1), 1, 0, null))
        .hasMessageContaining("send one batch per telemetry interval");
  }

  @Test
  void countersAndResourcesMustBeSane() {
    assertThatThrownBy(() -> batch(T, 1, 0, Map.of("outboxDropped", -1L))).hasMessageContaining("telemetry counter outboxDropped");
    assertThatThrownBy(() -> batch(T, 1, 0, Map.of("x", Long.MAX_VALUE))).hasMessageContaining("between 0 and");
    assertThatThrownBy(() -> new TelemetryBatch.ResourceUsage(Double.NaN, null, null, null)).hasMessageContaining("cpuLoad");
    assertThatThrownBy(() -> new TelemetryBatch.ResourceUsage(null, -5L, null, null)).hasMessageContaining("rssBytes");
  }

  @Test
  void aHistogramWhoseTotalWouldWrapIsRefused() {
    Histogram h = LatencyHistograms.newHistogram();
    h.recordValueWithCount(1000, Long.MAX_VALUE / 2);
    h.recordValueWithCount(2000, Long.MAX_VALUE / 2);
    assertThatThrownBy(() -> LatencyHistograms.decode(LatencyHistograms.encode(h))).isInstanceOf(MessageException.class)
        .hasMessageContaining("total at most");
  }
}
