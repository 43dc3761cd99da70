package org.edgefleet.agent.update;

import static org.assertj.core.api.Assertions.assertThat;

import org.edgefleet.agent.serving.HealthCounters.Reading;
import org.edgefleet.protocol.message.HealthGates;
import org.junit.jupiter.api.Test;

class HealthJudgeTest {

  static final HealthGates G = new HealthGates(60, 20, 0.05, 0, 0.0, 2.0);
  static final Reading PREVIOUS = new Reading(1000, 0, 0, 0, 5_000);

  static HealthJudge.Verdict judge(Reading now, long elapsedMillis) {
    return HealthJudge.judge(G, now, PREVIOUS, elapsedMillis);
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
  void ratesAndLatencyWaitForMinCalls() {
    assertThat(judge(new Reading(10, 5, 0, 0, 50_000), 10)).isInstanceOf(HealthJudge.Pending.class);
    assertThat(failure(judge(new Reading(20, 5, 0, 0, 5_000), 10))).isEqualTo(HealthJudge.Failure.ERROR_RATE);
    assertThat(failure(judge(new Reading(20, 0, 0, 0, 10_001 + 1000), 10))).isEqualTo(HealthJudge.Failure.LATENCY);
    assertThat(judge(new Reading(20, 1, 0, 0, 9_000), 10)).isInstanceOf(HealthJudge.Pending.class);
  }

  @Test
  void latencyOfMicrosecondModelsIsJudgedAboveAFloorAndOnlyAgainstAPreviousVersionThatServedEnough() {
    Reading fast = new Reading(1000, 0, 0, 0, 20);
    assertThat(HealthJudge.judge(G, new Reading(100, 0, 0, 0, 200), fast, 10)).isInstanceOf(HealthJudge.Pending.class);
    assertThat(HealthJudge.judge(G, new Reading(100, 0, 0, 0, 1_000_000), new Reading(5, 0, 0, 0, 10), 10))
        .isInstanceOf(HealthJudge.Pending.class);
    assertThat(HealthJudge.judge(G, new Reading(100, 0, 0, 0, 1_000_000), null, 10)).isInstanceOf(HealthJudge.Pending.class);
  }

  @Test
  void aVersionWithinEveryGatePassesWhenTheWindowEnds() {
    assertThat(judge(new Reading(500, 1, 0, 0, 6_000), 59_999)).isInstanceOf(HealthJudge.Pending.class);
    assertThat(judge(new Reading(500, 1, 0, 0, 6_000), 60_000)).isInstanceOf(HealthJudge.Passed.class);
    // Tolerated crashes and invalid rates are honoured.
    HealthGates lenient = new HealthGates(60, 20, 0.5, 2, 0.1, 2.0);
    assertThat(HealthJudge.judge(lenient, new Reading(40, 2, 2, 3, 1), PREVIOUS, 60_000)).isInstanceOf(HealthJudge.Passed.class);
    assertThat(HealthJudge.judge(lenient, new Reading(40, 3, 3, 0, 1), PREVIOUS, 10)).isInstanceOf(HealthJudge.Failed.class);
    assertThat(HealthJudge.judge(lenient, new Reading(40, 0, 0, 5, 1), PREVIOUS, 10)).isInstanceOf(HealthJudge.Failed.class);
  }
}
