package org.edgefleet.agent.metrics;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.edgefleet.protocol.message.LatencyHistograms;
import org.edgefleet.protocol.message.TelemetryBatch;

/**
 * Calls, errors and latency of one model version. Recording is lock-free and allocation-free
 * ({@link Recorder} and {@link LongAdder}), because it sits on every {@code predict}.
 */
public final class ModelMetrics {

  private final String model;
  private final int version;
  private final Recorder latency = new Recorder(1, LatencyHistograms.MAX_MICROS, LatencyHistograms.SIGNIFICANT_DIGITS);
  private final LongAdder count = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private volatile boolean retired;

  public ModelMetrics(String model, int version) {
    this.model = model;
    this.version = version;
  }

  public void recordSuccess(long nanos) {
    count.increment();
    latency.recordValue(Math.min(Math.max(nanos / 1000, 1), LatencyHistograms.MAX_MICROS));
  }

  /** A failed call counts as a call and an error, and has no latency. */
  public void recordError() {
    count.increment();
    errors.increment();
  }

  /** The version no longer serves; its last interval is still reported once. */
  public void retire() {
    retired = true;
  }

  void revive() {
    retired = false;
  }

  boolean isRetired() {
    return retired;
  }

  String key() {
    return model + "@" + version;
  }

  /** What was recorded since the last call, which resets it. One collector at a time. */
  TelemetryBatch.ModelMetrics takeInterval() {
    // Errors first: an error counted here has had its call counted before it, so errors <= calls.
    long e = errors.sumThenReset();
    long c = count.sumThenReset();
    Histogram h = latency.getIntervalHistogram();
    return new TelemetryBatch.ModelMetrics(model, version, c, Math.min(e, c), LatencyHistograms.encode(h));
  }
}
