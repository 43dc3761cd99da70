package org.edgefleet.agent.metrics;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.TelemetryBatch;

/**
 * Closes one telemetry interval: every model version's calls, errors, latency histogram and
 * live input histograms (drift), the
 * process's resource use, and the agent's counters. Not thread-safe: runs on the agent loop.
 */
public final class TelemetryCollector {

  private final String deviceId;
  private final Clock clock;
  private final MetricsRegistry metrics;
  private final ResourceSampler resources = new ResourceSampler();
  private Instant from;

  public TelemetryCollector(String deviceId, Clock clock, MetricsRegistry metrics) {
    this.deviceId = deviceId;
    this.clock = clock;
    this.metrics = metrics;
    this.from = clock.instant();
    resources.sample(); // the CPU baseline, so that the first batch has a load too
  }

  /** The interval since the previous call, ready to be numbered by the outbox. */
  public Interval close(Map<String, Long> counters) {
    Instant to = clock.instant();
    if (to.isBefore(from)) {
      to = from;
    }
    MetricsRegistry.Taken taken = metrics.takeIntervals();
    Interval interval = new Interval(deviceId, from, to, taken.models(), resources.sample(), Map.copyOf(counters), taken.drift());
    from = to;
    return interval;
  }

  /** A closed interval; {@link #encode} gives its wire form under a sequence number. */
  public record Interval(String deviceId, Instant from, Instant to, List<TelemetryBatch.ModelMetrics> models,
      TelemetryBatch.ResourceUsage resources, Map<String, Long> counters, List<TelemetryBatch.DriftCounts> drift) {

    public TelemetryBatch batch(long seq) {
      return new TelemetryBatch(MessageCodec.VERSION, deviceId, seq, from, to, models, resources, counters, drift);
    }

    public byte[] encode(long seq) {
      return MessageCodec.encode(batch(seq));
    }
  }
}
