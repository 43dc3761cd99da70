package org.edgefleet.server.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.edgefleet.protocol.bundle.FeatureStats;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.drift.DriftLevel;
import org.edgefleet.server.drift.DriftReport;
import org.edgefleet.server.telemetry.VersionReading;
import org.junit.jupiter.api.Test;

/** The canary's invalid-output gate (aborts) and drift gate (pauses), and how a request spells them. */
class CanaryGatesTest {

  private static final Instant START = Instant.parse("2026-12-02T03:00:00Z");
  private static final List<StageSpec> STAGES = List.of(new StageSpec(10, 60, null), new StageSpec(100, 60, null));
  private static final VersionReading BASELINE = new VersionReading(1, 10, 10_000, 0, 4.0);

  private static RolloutStrategy canary(double maxInvalid, DriftGate drift) {
    return RolloutStrategy.of(new StrategySpec(Strategy.CANARY, STAGES, new GateSpec(1, 0.1, 0.05, 1.5, 2, 3600, maxInvalid, drift),
        false));
  }

  private static StageState at(long secondsIn, VersionReading candidate, List<DriftReport.Feature> drift) {
    return new StageState(0, START, START.plusSeconds(secondsIn), 5, 5, 0, new GateReadings(candidate, BASELINE, drift));
  }

  private static VersionReading withInvalid(long checked, long invalid) {
    return new VersionReading(2, 5, 1000, 0, 4.0, checked, invalid);
  }

  private static DriftReport.Feature feature(String name, Double psi) {
    return new DriftReport.Feature("features", name, FeatureStats.Summary.FEATURE, psi, psi == null ? null : psi / 4,
        psi == null ? DriftLevel.NO_DATA : DriftLevel.of(psi), psi == null ? 100 : 5000, 4000);
  }

  @Test
  void invalidOutputsAboveTheRateAbortAtOnceEvenWhileBaking() {
    Verdict v = canary(0, null).decide(at(5, withInvalid(1000, 1), null));
    assertThat(v.kind()).isEqualTo(Verdict.Kind.ABORT);
    assertThat(v.reason()).contains("invalid output rate 0.001 > 0.000", "1 of 1000 inferences of v2 gave NaN or infinite outputs");
    assertThat(canary(0.01, null).decide(at(61, withInvalid(1000, 10), null)).kind()).as("at the rate, not above")
        .isEqualTo(Verdict.Kind.PROMOTE);
  }

  @Test
  void devicesThatDoNotCountInvalidOutputsNeitherPassNorFailThatGate() {
    VersionReading older = new VersionReading(2, 5, 1000, 0, 4.0);
    assertThat(older.invalidOutputRate()).isNull();
    assertThat(canary(0, null).decide(at(61, older, null)).kind()).isEqualTo(Verdict.Kind.PROMOTE);
  }

  @Test
  void driftAtOrAboveTheThresholdPausesNamingTheFeaturesAndTheirPsi() {
    RolloutStrategy c = canary(0, new DriftGate(0.25, 600));
    List<DriftReport.Feature> drifted = List.of(feature("rpm", 0.02), feature("vib_rms_x", 0.25), feature("winding_current_a", 1.9));
    Verdict v = c.decide(at(5, withInvalid(1000, 0), drifted));
    assertThat(v.kind()).isEqualTo(Verdict.Kind.PAUSE);
    assertThat(v.reason()).contains("input drift of v2", "features/vib_rms_x PSI 0.250", "features/winding_current_a PSI 1.900")
        .doesNotContain("rpm");
  }

  @Test
  void driftBelowTheThresholdOrWithTooFewValuesLetsTheStagePass() {
    RolloutStrategy c = canary(0, new DriftGate(0.25, 600));
    assertThat(c.decide(at(61, withInvalid(1000, 0), List.of(feature("rpm", 0.24), feature("vib_rms_x", null)))).kind())
        .isEqualTo(Verdict.Kind.PROMOTE);
    assertThat(canary(0, null).decide(at(61, withInvalid(1000, 0), List.of(feature("rpm", 3.0)))).kind())
        .as("no drift gate asked for").isEqualTo(Verdict.Kind.PROMOTE);
  }

  @Test
  void aFailingAbortGateWinsOverDrift() {
    Verdict v = canary(0, new DriftGate(0.25, 600)).decide(at(5, withInvalid(1000, 5), List.of(feature("rpm", 3.0))));
    assertThat(v.kind()).isEqualTo(Verdict.Kind.ABORT);
  }

  private static StrategySpec parse(String json) {
    return StrategySpec.parse(Json.read(json.getBytes(StandardCharsets.UTF_8), JsonNode.class));
  }

  @Test
  void requestsSpellTheGatesAndTheirDefaultsAndStoredPlansReadBack() {
    StrategySpec plain = parse("{\"kind\": \"canary\"}");
    assertThat(plain.gates().maxInvalidOutputRate()).isZero();
    assertThat(plain.gates().drift()).as("no drift gate unless asked").isNull();
    assertThat(StrategySpec.fromJson("{\"kind\":\"canary\",\"gates\":{\"minDevicesReporting\":1}}").gates().drift()).isNull();

    StrategySpec s = parse("{\"kind\": \"canary\", \"gates\": {\"maxInvalidOutputRate\": 0.01, \"drift\": {}}}");
    assertThat(s.gates().maxInvalidOutputRate()).isEqualTo(0.01);
    assertThat(s.gates().drift()).isEqualTo(new DriftGate(DriftLevel.ALERT_PSI, DriftGate.DEFAULT_WINDOW_SECONDS));
    assertThat(StrategySpec.fromJson(s.toJson())).isEqualTo(s);
    assertThat(parse("{\"kind\": \"canary\", \"gates\": {\"drift\": {\"maxPsi\": 0.1, \"windowSeconds\": 300}}}").gates().drift())
        .isEqualTo(new DriftGate(0.1, 300));
  }

  @Test
  void badGatesAreRefusedNamingTheField() {
    for (String[] bad : new String[][] {
        {"{\"maxInvalidOutputRate\": 1.5}", "maxInvalidOutputRate"},
        {"{\"maxInvalidOutputRate\": -0.1}", "maxInvalidOutputRate"},
        {"{\"maxInvalidOutputRate\": \"0.1\"}", "gates"},
        {"{\"drift\": {\"maxPsi\": 0}}", "drift.maxPsi"},
        {"{\"drift\": {\"maxPsi\": 1e308}}", "drift.maxPsi"},
        {"{\"drift\": {\"windowSeconds\": 0}}", "drift.windowSeconds"},
        {"{\"drift\": {\"maxPSI\": 0.2}}", "maxPSI"},
        {"{\"drift\": 0.25}", "gates"}}) {
      assertThatThrownBy(() -> parse("{\"kind\": \"canary\", \"gates\": " + bad[0] + "}")).as(bad[0])
          .isInstanceOf(FleetException.class).hasMessageContaining(bad[1]);
    }
  }
}
