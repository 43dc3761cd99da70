package org.edgefleet.agent.serving;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.edgefleet.protocol.message.LatencyHistograms;

/**
 * What one serving version did since it was loaded, for the health window after an activation:
 * calls, failed calls, crashes (the session failed to run), calls with NaN or infinite outputs
 * (found by the metrics' scan of every call, {@code ModelMetrics.recordSuccess}), and latency.
 * Lock-free on the caller's side. Read by one thread (the agent loop).
 */
public final class HealthCounters {

  /** Totals since the version was loaded. */
  public record Reading(long calls, long errors, long crashes, long invalid, long p95Micros) {}

  private final LongAdder calls = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder crashes = new LongAdder();
  private final LongAdder invalid = new LongAdder();
  private final Recorder latency = new Recorder(1, LatencyHistograms.MAX_MICROS, LatencyHistograms.SIGNIFICANT_DIGITS);
  private final Histogram total = LatencyHistograms.newHistogram();

  void success(long nanos, boolean invalidOutput) {
    calls.increment();
    latency.recordValue(Math.min(Math.max(nanos / 1000, 1), LatencyHistograms.MAX_MICROS));
    if (invalidOutput) {
      invalid.increment();
    }
  }

  void failure(boolean crashed) {
    calls.increment();
    errors.increment();
    if (crashed) {
      crashes.increment();
    }
  }

  /** The totals so far. One reader at a time. */
  public synchronized Reading read() {
    total.add(latency.getIntervalHistogram());
    long p95 = total.getTotalCount() == 0 ? 0 : total.getValueAtPercentile(95);
    return new Reading(calls.sum(), errors.sum(), crashes.sum(), invalid.sum(), p95);
  }
}
