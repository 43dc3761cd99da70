package org.edgefleet.agent.update;

import org.edgefleet.agent.serving.HealthCounters.Reading;
import org.edgefleet.protocol.message.HealthGates;

/**
 * Judges a newly activated version from what it did since activation against the gates: a crash
 * beyond the tolerated count or an invalid output (with a rate of 0) fails at once; rates and the
 * latency ratio are judged once {@code minCalls} calls were made (the latency only when the
 * previous version served as many on this device, and only beyond a 1 ms floor, so that the
 * jitter of a model that runs in microseconds never rolls it back); the version passes when the
 * window has passed.
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

  static Verdict judge(HealthGates g, Reading now, Reading previous, long elapsedMillis) {
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
    if (enough && previous != null && previous.calls() >= g.minCalls() && previous.p95Micros() > 0
        && now.p95Micros() - previous.p95Micros() > LATENCY_FLOOR_MICROS
        && (double) now.p95Micros() / previous.p95Micros() > g.maxLatencyRatio()) {
      return new Failed(Failure.LATENCY, "p95 latency " + now.p95Micros() + " us is more than " + g.maxLatencyRatio()
          + " times the previous version's " + previous.p95Micros() + " us");
    }
    if (elapsedMillis >= g.windowSeconds() * 1000L) {
      return new Passed(now.calls() + " calls in " + g.windowSeconds() + " s within every gate");
    }
    return new Pending();
  }

  private static double rate(long part, long whole) {
    return whole == 0 ? 0 : (double) part / whole;
  }
}
