package org.edgefleet.server.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.edgefleet.server.experiment.AbComparison;
import org.edgefleet.server.experiment.ArmStats;
import org.edgefleet.server.telemetry.ModelMetrics;
import org.edgefleet.server.telemetry.VersionReading;
import org.junit.jupiter.api.Test;

/** Blue-green, shadow and A/B decide from staged targets and what the roles report. */
class RoleStrategiesTest {

  private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");
  private static final GateSpec GATES = new GateSpec(1, 0.2, 0.05, 1.5, 2, 3600, 0, null);
  private static final VersionReading NONE = VersionReading.none(2);

  private static StrategySpec plan(Strategy kind, BlueGreenSpec bg, ShadowSpec shadow, AbSpec ab) {
    return new StrategySpec(kind, StrategySpec.planned(kind, bg, shadow), GATES, false, bg, shadow, ab);
  }

  private static StageState staging(int targets, int staged, int failed, RoleReadings roles) {
    return new StageState(0, START, START.plusSeconds(5), targets, failed, failed, new GateReadings(NONE, null, null), staged, roles);
  }

  @Test
  void blueGreenSwitchesOnceTheSetShareIsStagedAndAbortsWhenItCannotBe() {
    RolloutStrategy bg = RolloutStrategy.of(plan(Strategy.BLUE_GREEN, new BlueGreenSpec(80, 0), null, null));
    assertThat(bg.decide(staging(10, 7, 0, null)).kind()).isEqualTo(Verdict.Kind.WAIT);
    Verdict go = bg.decide(staging(10, 8, 0, null));
    assertThat(go.kind()).isEqualTo(Verdict.Kind.PROMOTE);
    assertThat(go.reason()).contains("8 of 10 targets staged", "switching every target at once");
    assertThat(bg.decide(staging(10, 7, 3, null)).kind()).as("more failed than the gates allow").isEqualTo(Verdict.Kind.ABORT);
    RolloutStrategy strict = RolloutStrategy.of(plan(Strategy.BLUE_GREEN, new BlueGreenSpec(100, 0), null, null));
    Verdict stuck = strict.decide(staging(10, 9, 1, null));
    assertThat(stuck.kind()).as("all done, one failed, 100 % needed").isEqualTo(Verdict.Kind.ABORT);
    assertThat(stuck.reason()).contains("fewer than the 100.0 %");
  }

  @Test
  void blueGreenAfterTheSwitchIsGatedAndAFailingGateAborts() {
    RolloutStrategy bg = RolloutStrategy.of(plan(Strategy.BLUE_GREEN, new BlueGreenSpec(100, 0), null, null));
    VersionReading failing = new VersionReading(2, 5, 1000, 200, 3.0);
    StageState switched = new StageState(1, START, START.plusSeconds(5), 5, 5, 0, new GateReadings(failing, null, null), 5, null);
    assertThat(bg.decide(switched).kind()).isEqualTo(Verdict.Kind.ABORT);
    VersionReading good = new VersionReading(2, 5, 1000, 0, 3.0);
    assertThat(bg.decide(new StageState(1, START, START.plusSeconds(5), 5, 5, 0, new GateReadings(good, null, null), 5, null)).kind())
        .isEqualTo(Verdict.Kind.FINISH);
  }

  private static RoleReadings shadowReading(long runs, Double agreement, double diff) {
    ModelMetrics.Shadow s = new ModelMetrics.Shadow(0, runs, agreement, Map.of("score", diff));
    return new RoleReadings(new ModelMetrics.Version(2, runs, 0, 0, null, 4, s, null, null), null, null, null);
  }

  @Test
  void shadowWaitsForAnOperatorUnlessARuleSaysWhenToPromote() {
    RolloutStrategy manual = RolloutStrategy.of(plan(Strategy.SHADOW, null, ShadowSpec.DEFAULT, null));
    assertThat(manual.decide(staging(4, 3, 0, shadowReading(500, 1.0, 0))).reason()).contains("still staging");
    Verdict ready = manual.decide(staging(4, 4, 0, shadowReading(500, 1.0, 0)));
    assertThat(ready.kind()).isEqualTo(Verdict.Kind.AWAIT_APPROVAL);
    assertThat(ready.reason()).contains("4 targets run v2 as a shadow", "promote it or abort");

    ShadowSpec ruled = new ShadowSpec(100, new ShadowSpec.PromoteWhen(400, 0.95, 0.1));
    RolloutStrategy auto = RolloutStrategy.of(plan(Strategy.SHADOW, null, ruled, null));
    assertThat(auto.decide(staging(4, 4, 0, shadowReading(100, 1.0, 0))).reason()).contains("100 of the 400 shadow runs");
    assertThat(auto.decide(staging(4, 4, 0, shadowReading(500, 0.90, 0))).reason()).contains("top-1 agreement 0.9 is below 0.95");
    assertThat(auto.decide(staging(4, 4, 0, shadowReading(500, 0.99, 0.5))).reason()).contains("output 'score' is 0.5");
    assertThat(auto.decide(staging(4, 4, 0, shadowReading(500, 0.99, 0.05))).kind()).isEqualTo(Verdict.Kind.PROMOTE);
  }

  private static RoleReadings arms(long n, double meanA, double meanB, long planned) {
    ArmStats a = ArmStats.of(n, meanA * n, (meanA * meanA + 1) * n);
    ArmStats b = ArmStats.of(n, meanB * n, (meanB * meanB + 1) * n);
    return new RoleReadings(null, null, AbComparison.of(a, b, planned), null);
  }

  @Test
  void abJudgesOnlyAtThePlannedSampleSizeThenAsksTheOperator() {
    RolloutStrategy ab = RolloutStrategy.of(plan(Strategy.AB, null, null, new AbSpec(0.5, AbSplit.REQUEST, 400)));
    assertThat(ab.decide(staging(4, 4, 0, null)).reason()).contains("fewer than 2 per arm");
    Verdict early = ab.decide(staging(4, 4, 0, arms(100, 1.0, 2.0, 400)));
    assertThat(early.kind()).as("a large early difference is no verdict: no peeking").isEqualTo(Verdict.Kind.WAIT);
    assertThat(early.reason()).contains("100 in arm A", "of the 400 per arm planned");
    Verdict better = ab.decide(staging(4, 4, 0, arms(400, 1.0, 1.5, 400)));
    assertThat(better.kind()).isEqualTo(Verdict.Kind.AWAIT_APPROVAL);
    assertThat(better.reason()).contains("arm B (the new version) is better", "arm A mean 1.0000");
    assertThat(ab.decide(staging(4, 4, 0, arms(400, 1.0, 1.01, 400))).reason()).contains("not significant");
    assertThat(ab.decide(staging(4, 4, 0, arms(400, 1.5, 1.0, 400))).reason()).contains("arm A (the active version) is better");
    assertThat(ab.decide(staging(4, 2, 2, null)).kind()).as("half the arms failed to start").isEqualTo(Verdict.Kind.ABORT);
  }

  @Test
  void abSplitByDeviceWithAnEmptyArmSaysSoInsteadOfCollectingForever() {
    RolloutStrategy ab = RolloutStrategy.of(plan(Strategy.AB, null, null, new AbSpec(0.5, AbSplit.DEVICE, 400)));
    RoleReadings noArmA = new RoleReadings(null, null, null, new RoleReadings.Arms(AbSplit.DEVICE, 0, 1));
    Verdict v = ab.decide(staging(1, 1, 0, noArmA));
    assertThat(v.kind()).isEqualTo(Verdict.Kind.WAIT);
    assertThat(v.reason()).contains("arm A holds none of the 1 targets", "split by request");
    RoleReadings both = new RoleReadings(null, null, null, new RoleReadings.Arms(AbSplit.DEVICE, 3, 2));
    assertThat(ab.decide(staging(5, 5, 0, both)).reason()).contains("fewer than 2 per arm");
  }
}
