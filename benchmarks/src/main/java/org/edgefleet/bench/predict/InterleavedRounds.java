package org.edgefleet.bench.predict;

import org.HdrHistogram.Histogram;

/**
 * Times two calls against each other on a shared, noisy machine: rounds of A then B alternate
 * with rounds of B then A, so a slow spell of the machine lands on both sides alike and neither
 * always runs second with warmer caches. Each call is timed on its own into an HdrHistogram.
 */
final class InterleavedRounds {

  /** One call under test; returns a value derived from the outputs, so no work can be skipped. */
  @FunctionalInterface
  interface Call {
    double run(int index) throws Exception;
  }

  /** Latencies of both sides in nanoseconds, measured rounds only. */
  record Latencies(Histogram a, Histogram b) {}

  private static final long MAX_NANOS = 10_000_000_000L;

  private final int warmupRounds;
  private final int rounds;
  private final int callsPerRound;
  private double sink;

  InterleavedRounds(int warmupRounds, int rounds, int callsPerRound) {
    if (rounds < 2 || callsPerRound < 1 || warmupRounds < 0) {
      throw new IllegalArgumentException("need at least 2 rounds of at least 1 call");
    }
    this.warmupRounds = warmupRounds;
    this.rounds = rounds;
    this.callsPerRound = callsPerRound;
  }

  Latencies run(Call a, Call b) throws Exception {
    Histogram ha = new Histogram(1, MAX_NANOS, 3);
    Histogram hb = new Histogram(1, MAX_NANOS, 3);
    for (int r = 0; r < warmupRounds + rounds; r++) {
      Histogram ra = r < warmupRounds ? null : ha;
      Histogram rb = r < warmupRounds ? null : hb;
      if (r % 2 == 0) {
        round(a, ra, r);
        round(b, rb, r);
      } else {
        round(b, rb, r);
        round(a, ra, r);
      }
    }
    if (Double.isNaN(sink)) {
      throw new IllegalStateException("a call returned NaN");
    }
    return new Latencies(ha, hb);
  }

  // Both sides see the same inputs in the same order within a round.
  private void round(Call call, Histogram into, int round) throws Exception {
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
  }
}
