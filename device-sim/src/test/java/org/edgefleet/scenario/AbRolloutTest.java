package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.Outcomes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 5, A/B: the simulated applications report an outcome for every request, with a mean
 * that depends on the version that served it. v2 has the same mean as v1 (no effect): the test
 * reaches its planned sample size and says not significant. v3 has a mean higher by half a
 * standard deviation: it is found the better arm, and promoted.
 */
class AbRolloutTest {

  static final int DEVICES = 6;
  static final int PLANNED = 300;

  @TempDir Path dir;

  @Test
  void aKnownEffectFindsTheBetterArmAndNoEffectIsNotSignificant() throws Exception {
    try (FleetFixture fleet = CanaryRolloutTest.fleet(dir)) {
      FleetSimulator sim = fleet.simulate(DEVICES, List.of(new DeviceProfile("rpi4", Map.of("hw", "rpi4"), 40, 0)),
          b -> b.outcomes(new Outcomes(Map.of(1, 1.0, 2, 1.0, 3, 1.5), 1.0)));
      CanaryRolloutTest.everyDeviceOnVersionOne(fleet, sim, DEVICES);
      fleet.upload(fleet.bundles.bundle(3));

      long same = Canary.start(fleet, 2, "", null, Map.of("kind", "ab", "ab", Map.of("share", 0.5, "plannedPerArm", PLANNED)));
      JsonNode none = decided(fleet, same);
      assertThat(none.get("decision").asText()).as(none.toString()).isEqualTo("NOT_SIGNIFICANT");
      assertThat(none.get("a").get("mean").asDouble()).isCloseTo(1.0, within(0.05));
      assertThat(none.get("b").get("mean").asDouble()).isCloseTo(1.0, within(0.05));
      assertThat(none.get("differenceLow").asDouble()).isNegative();
      assertThat(none.get("differenceHigh").asDouble()).isPositive();
      assertThat(lastReason(fleet, same)).contains("not significant");
      assertThat(fleet.api.post("/api/v1/rollouts/" + same + "/abort", Map.of("reason", "no difference")).status()).isEqualTo(200);
      await().atMost(FleetFixture.PATIENCE).until(() -> noArmRuns(fleet));

      long better = Canary.start(fleet, 3, "", null, Map.of("kind", "ab", "ab", Map.of("share", 0.5, "plannedPerArm", PLANNED)));
      JsonNode found = decided(fleet, better);
      assertThat(found.get("decision").asText()).as(found.toString()).isEqualTo("B_BETTER");
      assertThat(found.get("difference").asDouble()).isCloseTo(0.5, within(0.05));
      assertThat(found.get("b").get("ciLow").asDouble()).isGreaterThan(found.get("a").get("mean").asDouble());
      assertThat(lastReason(fleet, better)).contains("arm B (the new version) is better");
      assertThat(fleet.api.post("/api/v1/rollouts/" + better + "/promote", Map.of("reason", "v3 wins")).status()).isEqualTo(200);
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 3) == DEVICES);
    }
  }

  /** Waits until the A/B test reached its planned sample size and asks the operator; returns its comparison. */
  private static JsonNode decided(FleetFixture fleet, long id) throws Exception {
    Canary.awaitStatus(fleet, id, "AWAITING_APPROVAL", FleetFixture.PATIENCE);
    JsonNode ab = Canary.rollout(fleet, id).get("readings").get("ab");
    assertThat(ab.get("a").get("count").asLong()).isGreaterThanOrEqualTo(PLANNED);
    assertThat(ab.get("b").get("count").asLong()).isGreaterThanOrEqualTo(PLANNED);
    return ab;
  }

  private static String lastReason(FleetFixture fleet, long id) throws Exception {
    JsonNode history = Canary.rollout(fleet, id).get("history");
    return history.get(history.size() - 1).get("reason").asText();
  }

  private static boolean noArmRuns(FleetFixture fleet) throws Exception {
    for (JsonNode d : fleet.api.getJson("/api/v1/devices").get("devices")) {
      if (d.get("desired").get("models").size() != 1 || !"active".equals(d.get("desired").get("models").get(0).get("role").asText())) {
        return false;
      }
    }
    return true;
  }
}
