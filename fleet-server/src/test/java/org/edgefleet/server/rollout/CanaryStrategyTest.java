package org.edgefleet.server.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.edgefleet.server.telemetry.VersionReading;
import org.junit.jupiter.api.Test;

class CanaryStrategyTest {

  private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");
  private static final GateSpec GATES = new GateSpec(3, 0.1, 0.05, 1.5, 2, 3600, 0, null);
  private static final List<StageSpec> STAGES = List.of(new StageSpec(1, 60, null), new StageSpec(10, 60, null),
      new StageSpec(100, 60, null));
  private static final RolloutStrategy CANARY = RolloutStrategy.of(new StrategySpec(Strategy.CANARY, STAGES, GATES, false));
  private static final VersionReading BASELINE = new VersionReading(1, 10, 10_000, 0, 4.0);

  private static StageState at(int stage, long secondsIn, int targets, int done, int failed, VersionReading candidate) {
    return new StageState(stage, START, START.plusSeconds(secondsIn), targets, done, failed, new GateReadings(candidate, BASELINE, null));
  }

  private static VersionReading candidate(int devices, long inferences, long errors, Double p95) {
    return new VersionReading(2, devices, inferences, errors, p95);
  }

  @Test
  void aHealthyStageBakesThenPromotes() {
    VersionReading good = candidate(5, 1000, 0, 4.5);
    assertThat(CANARY.decide(at(0, 30, 5, 5, 0, good)).kind()).isEqualTo(Verdict.Kind.WAIT);
    Verdict v = CANARY.decide(at(0, 61, 5, 5, 0, good));
    assertThat(v.kind()).isEqualTo(Verdict.Kind.PROMOTE);
    assertThat(v.reason()).contains("stage 1 of 3 passed", "5 devices reporting");
  }

  @Test
  void aStageWaitsForEnoughDevicesReportingButNeverForMoreThanItHas() {
    assertThat(CANARY.decide(at(0, 61, 5, 5, 0, candidate(2, 100, 0, 4.0))).reason()).contains("2 of the 3 devices needed");
    assertThat(CANARY.decide(at(0, 61, 1, 1, 0, candidate(1, 100, 0, 4.0))).kind()).as("a one-device stage")
        .isEqualTo(Verdict.Kind.PROMOTE);
  }

  @Test
  void aFailingGateAbortsAtOnceEvenWhileBaking() {
    Verdict errors = CANARY.decide(at(1, 5, 10, 10, 0, candidate(5, 1000, 60, 4.0)));
    assertThat(errors.kind()).isEqualTo(Verdict.Kind.ABORT);
    assertThat(errors.reason()).contains("inference error rate 0.060 > 0.050");
    Verdict slow = CANARY.decide(at(1, 5, 10, 10, 0, candidate(5, 1000, 0, 50.0)));
    assertThat(slow.kind()).isEqualTo(Verdict.Kind.ABORT);
    assertThat(slow.reason()).contains("p95 latency 50.00 ms of v2", "4.00 ms of v1");
    Verdict installs = CANARY.decide(at(1, 5, 10, 8, 2, candidate(0, 0, 0, null)));
    assertThat(installs.kind()).isEqualTo(Verdict.Kind.ABORT);
    assertThat(installs.reason()).contains("install failure rate 0.200");
  }

  @Test
  void smallLatencyJitterWithinTheSlackPasses() {
    assertThat(CANARY.decide(at(0, 61, 5, 5, 0, candidate(5, 1000, 0, 5.9))).kind()).as("1.5x but within 2 ms")
        .isEqualTo(Verdict.Kind.PROMOTE);
  }

  @Test
  void tooFewDevicesReportingCannotAbortOnTheirErrors() {
    assertThat(CANARY.decide(at(0, 10, 5, 5, 0, candidate(1, 10, 10, 4.0))).kind()).isEqualTo(Verdict.Kind.WAIT);
  }

  @Test
  void theLastStageFinishesOnlyOnceEveryTargetIsDone() {
    VersionReading good = candidate(50, 10_000, 0, 4.0);
    assertThat(CANARY.decide(at(2, 61, 100, 98, 0, good)).reason()).contains("2 of 100 targets still updating");
    assertThat(CANARY.decide(at(2, 61, 100, 100, 0, good)).kind()).isEqualTo(Verdict.Kind.FINISH);
  }

  @Test
  void manualApprovalHoldsAPassedStage() {
    RolloutStrategy manual = RolloutStrategy.of(new StrategySpec(Strategy.CANARY, STAGES, GATES, true));
    assertThat(manual.decide(at(0, 61, 5, 5, 0, candidate(5, 1000, 0, 4.0))).kind()).isEqualTo(Verdict.Kind.AWAIT_APPROVAL);
  }

  @Test
  void allAtOnceFinishesWhenEveryTargetIsDone() {
    RolloutStrategy all = RolloutStrategy.of(StrategySpec.ALL_AT_ONCE);
    assertThat(all.readsGates()).isFalse();
    assertThat(all.decide(new StageState(0, START, START, 3, 2, 1, null)).kind()).isEqualTo(Verdict.Kind.WAIT);
    assertThat(all.decide(new StageState(0, START, START, 3, 3, 1, null)).reason()).contains("2 active, 1 failed");
  }
}
