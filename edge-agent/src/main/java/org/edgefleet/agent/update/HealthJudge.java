package org.edgefleet.agent.update;

import org.edgefleet.agent.serving.HealthCounters.Reading;
import org.edgefleet.agent.serving.LatencyPairs;
import org.edgefleet.protocol.message.HealthGates;

/**
 * Judges a newly activated version from what it did since activation against the gates: a crash
 * beyond the tolerated count or an invalid output (with a rate of 0) fails at once; rates are
 * judged once {@code minCalls} calls were made; the version passes when the window has passed.
 * The latency ratio is judged on the {@link LatencyPairs} alone, the new and the previous version
 * timed side by side on the same inputs, once {@code minCalls} pairs were timed, only beyond a 1 ms
 * floor, so that the jitter of a model that runs in microseconds never rolls it back, and only when
 * the new version was the slower in significantly more than half the pairs (a one-sided sign test
 * at 1 %): the p95 of a few dozen timings is nearly their maximum, and one scheduling hiccup on a
 * busy device must not roll back a version that is as fast as the one before. Without
 * pairs (nothing served before, or the previous version cannot take the new one's inputs) the
 * latency is left to the server's gate, which compares versions across devices.
 */
final class HealthJudge {

  /** Why a version failed its health window. */
  enum Failure { CRASHED, INVALID_OUTPUT, ERROR_RATE, LATENCY }

  /** The judgement now. */
  sealed interface Verdict {}

  record Pending() implements Verdict {}

  record Passed(String details) implements Verdict {}

  record Failed(Failure reason, String details) implements Verdict {}

  static final long LATENCY_FLOOR_MICROS = 1000;

  private HealthJudge() {}

  static Verdict judge(HealthGates g, Reading now, LatencyPairs.Reading pairs, long elapsedMillis) {
    if (now.crashes() > g.maxCrashes()) {
      return new Failed(Failure.CRASHED, "the session failed to run " + now.crashes() + " times in " + now.calls()
          + " calls (at most " + g.maxCrashes() + " tolerated)");
    }
    boolean enough = now.calls() >= g.minCalls();
    if (now.invalid() > 0 && (g.maxInvalidRate() == 0 || enough && rate(now.invalid(), now.calls()) > g.maxInvalidRate())) {
      return new Failed(Failure.INVALID_OUTPUT, now.invalid() + " of " + now.calls() + " calls gave NaN or infinite outputs"
          + " (at most " + g.maxInvalidRate() + " of calls tolerated)");
    }
    if (enough && rate(now.errors(), now.calls()) > g.maxErrorRate()) {
      return new Failed(Failure.ERROR_RATE, now.errors() + " of " + now.calls() + " calls failed (at most " + g.maxErrorRate()
          + " of calls tolerated)");
    }
    if (pairs != null && pairs.pairs() >= g.minCalls() && pairs.previousP95Micros() > 0
        && pairs.currentP95Micros() - pairs.previousP95Micros() > LATENCY_FLOOR_MICROS
        && (double) pairs.currentP95Micros() / pairs.previousP95Micros() > g.maxLatencyRatio()
        && signTestSlower(pairs.currentSlower(), pairs.pairs())) {
      return new Failed(Failure.LATENCY, "p95 latency " + pairs.currentP95Micros() + " us is more than " + g.maxLatencyRatio()
          + " times the previous version's " + pairs.previousP95Micros() + " us, both timed side by side on the same "
          + pairs.pairs() + " inputs (slower in " + pairs.currentSlower() + " of them)");
    }
    if (elapsedMillis >= g.windowSeconds() * 1000L) {
      return new Passed(now.calls() + " calls in " + g.windowSeconds() + " s within every gate" + latencyNote(pairs));
    }
    return new Pending();
  }

  private static String latencyNote(LatencyPairs.Reading pairs) {
    if (pairs == null || pairs.pairs() == 0) {
      return "; latency not compared on the device (no side-by-side timing with the previous version)";
    }
    return "; p95 " + pairs.currentP95Micros() + " us against the previous version's " + pairs.previousP95Micros()
        + " us over " + pairs.pairs() + " side-by-side timings";
  }

  static final double SIGN_TEST_LEVEL = 0.01;

  /**
   * Whether {@code slower} of {@code pairs} is too many for two versions equally fast: the chance
   * of at least that many heads in {@code pairs} fair coin tosses is at most {@link #SIGN_TEST_LEVEL}.
   */
  static boolean signTestSlower(long slower, long pairs) {
    if (pairs <= 0 || slower <= pairs / 2) {
      return false;
    }
    // P(X >= slower) for X ~ Binomial(pairs, 1/2), summed in log space so that thousands of pairs do not underflow.
    double logHalfPow = pairs * Math.log(0.5);
    double logTerm = logChoose(pairs, slower) + logHalfPow;
    double tail = 0;
    for (long k = slower; k <= pairs; k++) {
      tail += Math.exp(logTerm);
      logTerm += Math.log((double) (pairs - k) / (k + 1));
    }
    return tail <= SIGN_TEST_LEVEL;
  }

  private static double logChoose(long n, long k) {
    double sum = 0;
    for (long i = 1; i <= k; i++) {
      sum += Math.log((double) (n - k + i) / i);
    }
    return sum;
  }

  private static double rate(long part, long whole) {
    return whole == 0 ? 0 : (double) part / whole;
  }
}
