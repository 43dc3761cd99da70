package org.edgefleet.protocol.message;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * Metrics a device recorded over {@code [from, to)}. {@code seq} grows per device and survives
 * restarts, so a batch sent twice (after a lost acknowledgement) is stored once.
 *
 * @param counters the agent's own running totals (e.g. outboxDropped, corruptChunks), by name
 */
public record TelemetryBatch(int v, String deviceId, long seq, Instant from, Instant to,
    List<ModelMetrics> models, ResourceUsage resources, Map<String, Long> counters) {

  public static final int MAX_BYTES = 256 * 1024;

  public TelemetryBatch {
    MessageCodec.requireVersion(v, "telemetry");
    Topics.requireDeviceId(deviceId);
    if (seq < 0 || from == null || to == null || to.isBefore(from)) {
      throw new IllegalArgumentException("telemetry needs seq >= 0 and from <= to");
    }
    models = models == null ? List.of() : List.copyOf(models);
    counters = counters == null ? Map.of() : Map.copyOf(counters);
  }

  /**
   * Inference metrics of one model version.
   *
   * @param latencyMicros latency histogram in microseconds, as {@link LatencyHistograms} encodes it
   */
  public record ModelMetrics(String name, int version, long count, long errors, String latencyMicros) {
    public ModelMetrics {
      if (name == null || name.isBlank() || version < 1 || count < 0 || errors < 0 || errors > count) {
        throw new IllegalArgumentException("model metrics need a name, version >= 1 and 0 <= errors <= count");
      }
    }
  }

  /** Resource use of the agent process and the device; any field may be absent. */
  public record ResourceUsage(Double cpuLoad, Long rssBytes, Long heapUsedBytes, Double temperatureC) {}
}
