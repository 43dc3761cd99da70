package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefleet.sim.BadModel;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 4, shadow: every device runs the new version beside its active one; the simulator
 * makes the shadow disagree on every fourth run and take 20 ms more a run, and the rollout shows
 * that: top-1 agreement of 3/4, the label output off on a quarter of the runs, a shadow latency
 * of at least 20 ms; the active version keeps serving every request until the operator promotes.
 * (Promoted, the version is as slow serving: without the loose latency gates here the promotion
 * would abort and put every device back.)
 */
class ShadowRolloutTest {

  static final int DEVICES = 5;
  static final int DISAGREE_EVERY = 4;
  static final Duration SLOWER = Duration.ofMillis(20);

  @TempDir Path dir;

  @Test
  void agreementAndLatencyShownOnTheRolloutAreWhatTheSimulatorInjected() throws Exception {
    try (FleetFixture fleet = CanaryRolloutTest.fleet(dir)) {
      FleetSimulator sim = fleet.simulate(DEVICES, List.of(new DeviceProfile("rpi4", Map.of("hw", "rpi4"), 20, 0)),
          b -> b.badModel(BadModel.disagrees(SampleBundles.MODEL, 2, Map.of(), DISAGREE_EVERY, SLOWER)));
      CanaryRolloutTest.everyDeviceOnVersionOne(fleet, sim, DEVICES);

      // Loose latency gates let this slow version serve once promoted.
      long id = Canary.start(fleet, 2, "", null, Map.of("kind", "shadow", "shadow", Map.of("percent", 100),
          "gates", Map.of("maxP95Ratio", 1000.0, "p95SlackMs", 10_000.0)));
      Canary.awaitStatus(fleet, id, "AWAITING_APPROVAL", FleetFixture.PATIENCE);
      assertThat(Canary.rollout(fleet, id).get("counts").get("staged").asInt()).isEqualTo(DEVICES);

      await().atMost(FleetFixture.PATIENCE).until(() -> shadowRuns(fleet, id) >= 400);
      JsonNode readings = Canary.rollout(fleet, id).get("readings");
      JsonNode shadow = readings.get("candidate").get("shadow");
      long compared = shadow.get("top1Compared").asLong();
      assertThat(shadow.get("top1Agreement").asDouble()).as(readings.toString())
          .isCloseTo(1 - 1.0 / DISAGREE_EVERY, within(2.0 / compared + 0.01));
      assertThat(shadow.get("meanAbsDiff").get("label").asDouble()).as(readings.toString())
          .isCloseTo(1.0 / DISAGREE_EVERY, within(0.02));
      assertThat(readings.get("candidate").get("latencyMs").get("p50").asDouble()).as("shadow latency")
          .isGreaterThanOrEqualTo(SLOWER.toMillis());
      assertThat(readings.get("candidate").get("devicesReporting").asInt()).isEqualTo(DEVICES);
      assertThat(readings.get("baseline").get("version").asInt()).isEqualTo(1);
      assertThat(sim.countActive(SampleBundles.MODEL, 2)).as("the shadow never serves").isZero();

      assertThat(fleet.api.post("/api/v1/rollouts/" + id + "/promote", Map.of("reason", "agreement is what we expected"))
          .status()).isEqualTo(200);
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 2) == DEVICES);
      Canary.awaitStatus(fleet, id, "FINISHED", FleetFixture.PATIENCE);
    }
  }

  private static long shadowRuns(FleetFixture fleet, long id) throws Exception {
    JsonNode shadow = Canary.rollout(fleet, id).path("readings").path("candidate").path("shadow");
    return shadow.path("top1Compared").asLong(0);
  }
}
