package org.edgefleet.agent.update;

import static org.assertj.core.api.Assertions.assertThat;

import org.edgefleet.agent.serving.HealthCounters.Reading;
import org.edgefleet.agent.serving.LatencyPairs;
import org.edgefleet.protocol.message.HealthGates;
import org.junit.jupiter.api.Test;

class HealthJudgeTest {

  static final HealthGates G = new HealthGates(60, 20, 0.05, 0, 0.0, 2.0);
  static final LatencyPairs.Reading EVEN = new LatencyPairs.Reading(40, 0, 20, 5_000, 5_000);

  static HealthJudge.Verdict judge(Reading now, long elapsedMillis) {
    return HealthJudge.judge(G, now, EVEN, elapsedMillis);
  }

  static HealthJudge.Failure failure(HealthJudge.Verdict v) {
    assertThat(v).isInstanceOf(HealthJudge.Failed.class);
    return ((HealthJudge.Failed) v).reason();
  }

  @Test
  void aCrashOrAnInvalidOutputFailsAtOnceBeforeMinCalls() {
    assertThat(failure(judge(new Reading(1, 1, 1, 0, 0), 10))).isEqualTo(HealthJudge.Failure.CRASHED);
    assertThat(failure(judge(new Reading(1, 0, 0, 1, 100), 10))).isEqualTo(HealthJudge.Failure.INVALID_OUTPUT);
  }

  @Test
  void ratesWaitForMinCalls() {
    assertThat(judge(new Reading(10, 5, 0, 0, 50_000), 10)).isInstanceOf(HealthJudge.Pending.class);
    assertThat(failure(judge(new Reading(20, 5, 0, 0, 5_000), 10))).isEqualTo(HealthJudge.Failure.ERROR_RATE);
    assertThat(judge(new Reading(20, 1, 0, 0, 9_000), 10)).isInstanceOf(HealthJudge.Pending.class);
  }

  @Test
  void latencyIsJudgedOnTheSideBySidePairsOnceThereAreMinCallsOfThem() {
    Reading calls = new Reading(500, 0, 0, 0, 50_000);
    assertThat(failure(HealthJudge.judge(G, calls, new LatencyPairs.Reading(20, 0, 19, 11_001, 5_000), 10)))
        .isEqualTo(HealthJudge.Failure.LATENCY);
    assertThat(HealthJudge.judge(G, calls, new LatencyPairs.Reading(19, 0, 19, 11_001, 5_000), 10))
        .isInstanceOf(HealthJudge.Pending.class);
    assertThat(HealthJudge.judge(G, calls, new LatencyPairs.Reading(20, 0, 20, 9_999, 5_000), 10))
        .isInstanceOf(HealthJudge.Pending.class);
    HealthJudge.Failed f = (HealthJudge.Failed) HealthJudge.judge(G, calls, new LatencyPairs.Reading(30, 2, 30, 30_000, 5_000), 10);
    assertThat(f.details()).contains("30000 us", "5000 us", "side by side", "30 inputs");
  }

  @Test
  void aSlowerDeviceIsNotASlowerVersion() {
    // The new version's own calls are 20x what the previous version's were before the switch, but
    // timed beside it now both are slow alike: the device got busier, the version is fine.
    Reading busy = new Reading(500, 0, 0, 0, 100_000);
    assertThat(HealthJudge.judge(G, busy, new LatencyPairs.Reading(40, 0, 22, 100_000, 95_000), 60_000))
        .isInstanceOf(HealthJudge.Passed.class);
  }

  @Test
  void aP95RaisedByAFewHiccupsIsNotASlowerVersion() {
    // Both sides alike but for two slow outliers on the new side: the new side was slower in about half the pairs.
    Reading calls = new Reading(500, 0, 0, 0, 27_000);
    assertThat(HealthJudge.judge(G, calls, new LatencyPairs.Reading(24, 0, 13, 27_000, 8_600), 10))
        .isInstanceOf(HealthJudge.Pending.class);
    assertThat(failure(HealthJudge.judge(G, calls, new LatencyPairs.Reading(24, 0, 20, 27_000, 8_600), 10)))
        .isEqualTo(HealthJudge.Failure.LATENCY);
  }

  @Test
  void theSignTestRejectsOnlyWellBeyondHalf() {
    assertThat(HealthJudge.signTestSlower(15, 20)).isFalse(); // P(X >= 15) = 0.021
    assertThat(HealthJudge.signTestSlower(16, 20)).isTrue(); // P(X >= 16) = 0.0059
    assertThat(HealthJudge.signTestSlower(10, 20)).isFalse();
    assertThat(HealthJudge.signTestSlower(0, 0)).isFalse();
    assertThat(HealthJudge.signTestSlower(5_200, 10_000)).isTrue(); // 4 standard deviations above half
    assertThat(HealthJudge.signTestSlower(5_100, 10_000)).isFalse(); // 2
  }

  @Test
  void latencyOfMicrosecondModelsIsJudgedAboveAFloorAndOnlyWithPairs() {
    Reading calls = new Reading(100, 0, 0, 0, 200);
    assertThat(HealthJudge.judge(G, calls, new LatencyPairs.Reading(100, 0, 100, 200, 20), 10)).isInstanceOf(HealthJudge.Pending.class);
    Reading slow = new Reading(100, 0, 0, 0, 1_000_000);
    assertThat(HealthJudge.judge(G, slow, null, 10)).isInstanceOf(HealthJudge.Pending.class);
    assertThat(HealthJudge.judge(G, slow, new LatencyPairs.Reading(0, 100, 0, 0, 0), 10)).isInstanceOf(HealthJudge.Pending.class);
    assertThat(((HealthJudge.Passed) HealthJudge.judge(G, slow, null, 60_000)).details()).contains("latency not compared");
  }

  @Test
  void aVersionWithinEveryGatePassesWhenTheWindowEnds() {
    assertThat(judge(new Reading(500, 1, 0, 0, 6_000), 59_999)).isInstanceOf(HealthJudge.Pending.class);
    assertThat(((HealthJudge.Passed) judge(new Reading(500, 1, 0, 0, 6_000), 60_000)).details())
        .contains("500 calls", "40 side-by-side timings");
    // Tolerated crashes and invalid rates are honoured.
    HealthGates lenient = new HealthGates(60, 20, 0.5, 2, 0.1, 2.0);
    assertThat(HealthJudge.judge(lenient, new Reading(40, 2, 2, 3, 1), EVEN, 60_000)).isInstanceOf(HealthJudge.Passed.class);
    assertThat(HealthJudge.judge(lenient, new Reading(40, 3, 3, 0, 1), EVEN, 10)).isInstanceOf(HealthJudge.Failed.class);
    assertThat(HealthJudge.judge(lenient, new Reading(40, 0, 0, 5, 1), EVEN, 10)).isInstanceOf(HealthJudge.Failed.class);
  }
}
