package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.edgefleet.server.cohort.StableHash;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.Outcomes;
import org.edgefleet.sim.SimulatedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 5b, A/B split by device: half of the devices (by a stable hash of device and rollout)
 * serve the new version alone, the others keep v1 and download nothing; both report outcomes
 * with the injected per-version means. v2 has v1's mean: not significant, and the abort leaves
 * every device on v1. v3 is better by half a standard deviation: found the better arm, promoted.
 */
class AbSplitByDeviceTest {

  static final int DEVICES = 24;
  static final int PLANNED = 300;

  @TempDir Path dir;

  @Test
  void eachDeviceServesOneArmAKnownEffectIsFoundNoEffectIsNotSignificantAndAbortPutsArmBBack() throws Exception {
    try (FleetFixture fleet = CanaryRolloutTest.fleet(dir)) {
      FleetSimulator sim = fleet.simulate(DEVICES, List.of(new DeviceProfile("rpi4", Map.of("hw", "rpi4"), 40, 0)),
          b -> b.outcomes(new Outcomes(Map.of(1, 1.0, 2, 1.0, 3, 1.5), 1.0)));
      CanaryRolloutTest.everyDeviceOnVersionOne(fleet, sim, DEVICES);
      fleet.upload(fleet.bundles.bundle(3));

      long same = start(fleet, 2);
      Set<String> armB = armB(sim, same);
      assertThat(armB.size()).as("the share holds within what 24 devices allow").isBetween(4, DEVICES - 4);
      JsonNode none = decided(fleet, same, armB.size());
      assertThat(none.get("decision").asText()).as(none.toString()).isEqualTo("NOT_SIGNIFICANT");
      assertThat(none.get("a").get("mean").asDouble()).isCloseTo(1.0, within(0.05));
      assertThat(none.get("b").get("mean").asDouble()).isCloseTo(1.0, within(0.05));
      assertThat(none.get("differenceLow").asDouble()).isNegative();
      assertThat(none.get("differenceHigh").asDouble()).isPositive();
      // The sample may be reached before the last device of arm B switched: each arm's count is its own devices'.
      await().atMost(FleetFixture.PATIENCE).until(() -> armB.stream().allMatch(id -> sim.devices().stream()
          .anyMatch(d -> d.id().equals(id) && d.agent().activeVersion(SampleBundles.MODEL).orElse(0) == 2)));
      for (SimulatedDevice d : sim.devices()) {
        if (!armB.contains(d.id())) {
          assertThat(d.servedVersions()).as(d.id() + " in arm A served v1 alone").containsExactly(1);
          assertThat(slotVersions(fleet, d.id())).as(d.id() + " in arm A downloaded nothing").doesNotContain(2);
        }
      }
      assertThat(fleet.api.post("/api/v1/rollouts/" + same + "/abort", Map.of("reason", "no difference")).status()).isEqualTo(200);
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 1) == DEVICES);
      for (JsonNode d : fleet.api.getJson("/api/v1/devices?limit=100").get("devices")) {
        JsonNode desired = d.get("desired").get("models");
        assertThat(desired).as(d.toString()).hasSize(1);
        assertThat(desired.get(0).get("version").asInt()).as(d.get("id").asText()).isEqualTo(1);
        assertThat(desired.get(0).get("recordOutcomes").asBoolean()).as(d.get("id").asText()).isFalse();
      }
      for (SimulatedDevice d : sim.devices()) {
        if (!armB.contains(d.id())) {
          assertThat(d.servedVersions()).as(d.id() + " in arm A never served v2").containsExactly(1);
        }
      }

      long better = start(fleet, 3);
      Set<String> armBNow = armB(sim, better);
      JsonNode found = decided(fleet, better, armBNow.size());
      assertThat(found.get("decision").asText()).as(found.toString()).isEqualTo("B_BETTER");
      assertThat(found.get("difference").asDouble()).isCloseTo(0.5, within(0.05));
      assertThat(found.get("b").get("ciLow").asDouble()).isGreaterThan(found.get("a").get("mean").asDouble());
      assertThat(fleet.api.post("/api/v1/rollouts/" + better + "/promote", Map.of("reason", "v3 wins")).status()).isEqualTo(200);
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 3) == DEVICES);
      await().atMost(FleetFixture.PATIENCE).until(() -> {
        for (JsonNode d : fleet.api.getJson("/api/v1/devices?limit=100").get("devices")) {
          JsonNode m = d.get("desired").get("models").get(0);
          if (m.get("version").asInt() != 3 || m.get("recordOutcomes").asBoolean()) {
            return false;
          }
        }
        return true;
      });
    }
  }

  private static long start(FleetFixture fleet, int version) throws Exception {
    return Canary.start(fleet, version, "", null, Map.of("kind", "ab", "ab", Map.of("split", "device", "share", 0.5,
        "plannedPerArm", PLANNED)));
  }

  // The devices of arm B as the rollout's stable hash puts them: the same on every server and evaluation.
  private static Set<String> armB(FleetSimulator sim, long rolloutId) {
    return sim.devices().stream().map(SimulatedDevice::id).filter(id -> StableHash.inShare(id, rolloutId, StableHash.BUCKETS / 2))
        .collect(Collectors.toSet());
  }

  /** Waits until both arms reached the planned sample size and the operator is asked; returns the comparison. */
  private static JsonNode decided(FleetFixture fleet, long id, int armB) throws Exception {
    Canary.awaitStatus(fleet, id, "AWAITING_APPROVAL", FleetFixture.PATIENCE);
    JsonNode rollout = Canary.rollout(fleet, id);
    assertThat(rollout.get("strategy").get("ab").get("split").asText()).isEqualTo("device");
    JsonNode arms = rollout.get("readings").get("arms");
    assertThat(arms.get("b").asInt()).as(arms.toString()).isEqualTo(armB);
    assertThat(arms.get("a").asInt()).as(arms.toString()).isEqualTo(DEVICES - armB);
    JsonNode ab = rollout.get("readings").get("ab");
    assertThat(ab.get("a").get("count").asLong()).isGreaterThanOrEqualTo(PLANNED);
    assertThat(ab.get("b").get("count").asLong()).isGreaterThanOrEqualTo(PLANNED);
    return ab;
  }

  private static Set<Integer> slotVersions(FleetFixture fleet, String deviceId) throws Exception {
    JsonNode models = fleet.api.getJson("/api/v1/devices/" + deviceId).get("models");
    return models.findValues("slots").stream().flatMap(s -> java.util.stream.StreamSupport.stream(s.spliterator(), false))
        .filter(s -> s.hasNonNull("version")).map(s -> s.get("version").asInt()).collect(Collectors.toSet());
  }
}
