package org.edgefleet.agent.serving;

import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.edgefleet.protocol.message.LatencyHistograms;

/**
 * The latency of a newly activated version and of the version it replaced, timed side by side
 * during the health window: one worker runs both on the same application input, back to back,
 * the order alternating, so that both are timed under the same load. A latency gate that compared
 * the new version with figures the old one made earlier rolled good versions back whenever the
 * device was busier after the switch than before it (an install, a self-test, another app).
 *
 * <p>Paced: at most one pair per {@code everyNanos}, so the extra work stays a small, fixed share
 * of the device whatever the application's call rate. Callers claim a pair from any thread; the
 * worker records it; the agent loop reads.
 */
public final class LatencyPairs {

  /**
   * Pairs timed so far, the pairs that could not be, the pairs in which the new version was the
   * slower, and the p95 of each side over them (0 without pairs).
   */
  public record Reading(long pairs, long failed, long currentSlower, long currentP95Micros, long previousP95Micros) {}

  private final long everyNanos;
  private final AtomicLong nextAt;
  private final Histogram current = LatencyHistograms.newHistogram();
  private final Histogram previous = LatencyHistograms.newHistogram();
  private long pairs;
  private long failed;
  private long currentSlower;
  private boolean currentFirst = true;

  public LatencyPairs(long everyNanos, long nowNanos) {
    if (everyNanos < 1) {
      throw new IllegalArgumentException("pairs must be paced by at least 1 ns, was " + everyNanos);
    }
    this.everyNanos = everyNanos;
    this.nextAt = new AtomicLong(nowNanos);
  }

  /** Takes the next pair's turn if it is due; lock-free, so a caller never waits here. */
  boolean claim(long nowNanos) {
    long due = nextAt.get();
    return nowNanos - due >= 0 && nextAt.compareAndSet(due, nowNanos + everyNanos);
  }

  /** Which side runs first in the next pair; alternates, so that neither is always timed warm. */
  synchronized boolean currentFirst() {
    currentFirst = !currentFirst;
    return !currentFirst;
  }

  synchronized void record(long currentNanos, long previousNanos) {
    current.recordValue(micros(currentNanos));
    previous.recordValue(micros(previousNanos));
    pairs++;
    if (currentNanos > previousNanos) {
      currentSlower++;
    }
  }

  /** A pair that could not be timed: either side failed (the old version may not take the new one's inputs). */
  synchronized void failed() {
    failed++;
  }

  public synchronized Reading read() {
    return pairs == 0 ? new Reading(0, failed, 0, 0, 0)
        : new Reading(pairs, failed, currentSlower, current.getValueAtPercentile(95), previous.getValueAtPercentile(95));
  }

  private static long micros(long nanos) {
    return Math.min(Math.max(nanos / 1000, 1), LatencyHistograms.MAX_MICROS);
  }
}
