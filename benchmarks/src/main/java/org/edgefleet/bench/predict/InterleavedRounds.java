package org.edgefleet.bench.predict;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import org.HdrHistogram.Histogram;

/**
 * Times two calls against each other on a shared, noisy machine: rounds of A then B alternate
 * with rounds of B then A, so a slow spell of the machine lands on both sides alike and neither
 * always runs second with warmer caches. Each call is timed on its own into an HdrHistogram.
 */
public final class InterleavedRounds {

  /** One call under test; returns a value derived from the outputs, so no work can be skipped. */
  @FunctionalInterface
  public interface Call {
    double run(int index) throws Exception;
  }

  /**
   * Both sides over the recorded rounds: latencies in nanoseconds, and heap bytes allocated per call
   * by the calling thread (allocation is what brings garbage collections into the tail).
   */
  public record Latencies(Histogram a, Histogram b, double bytesPerCallA, double bytesPerCallB) {}

  private static final long MAX_NANOS = 10_000_000_000L;
  private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final int warmupRounds;
  private final int rounds;
  private final int callsPerRound;
  private double sink;

  public InterleavedRounds(int warmupRounds, int rounds, int callsPerRound) {
    if (rounds < 2 || callsPerRound < 1 || warmupRounds < 0) {
      throw new IllegalArgumentException("need at least 2 rounds of at least 1 call");
    }
    this.warmupRounds = warmupRounds;
    this.rounds = rounds;
    this.callsPerRound = callsPerRound;
  }

  public Latencies run(Call a, Call b) throws Exception {
    Histogram ha = new Histogram(1, MAX_NANOS, 3);
    Histogram hb = new Histogram(1, MAX_NANOS, 3);
    long allocatedA = 0;
    long allocatedB = 0;
    for (int r = 0; r < warmupRounds + rounds; r++) {
      Histogram ra = r < warmupRounds ? null : ha;
      Histogram rb = r < warmupRounds ? null : hb;
      if (r % 2 == 0) {
        allocatedA += round(a, ra, r);
        allocatedB += round(b, rb, r);
      } else {
        allocatedB += round(b, rb, r);
        allocatedA += round(a, ra, r);
      }
    }
    if (Double.isNaN(sink)) {
      throw new IllegalStateException("a call returned NaN");
    }
    double calls = (double) rounds * callsPerRound;
    return new Latencies(ha, hb, allocatedA / calls, allocatedB / calls);
  }

  // Both sides see the same inputs in the same order within a round. Returns the bytes the round
  // allocated, 0 for a warm-up round.
  private long round(Call call, Histogram into, int round) throws Exception {
    long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
    int first = round * callsPerRound;
    for (int i = 0; i < callsPerRound; i++) {
      long start = System.nanoTime();
      double v = call.run(first + i);
      long nanos = System.nanoTime() - start;
      sink += v;
      if (into != null) {
        into.recordValue(Math.min(Math.max(nanos, 1), MAX_NANOS));
      }
    }
    return into == null ? 0 : THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
  }
}
