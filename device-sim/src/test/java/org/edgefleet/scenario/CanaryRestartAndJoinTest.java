package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefleet.server.cohort.StableHash;
import org.edgefleet.server.config.Settings;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.SimulatedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A canary carries on across a server restart mid-stage, and devices that join the cohort while it
 * runs (new devices, or a device the operator relabels) get their stage's version at once.
 */
class CanaryRestartAndJoinTest {

  static final Duration LONG = FleetFixture.PATIENCE.multipliedBy(3);
  static final DeviceProfile RPI4 = new DeviceProfile("rpi4", Map.of("hw", "rpi4"), 2, 0);

  @TempDir Path dir;

  /**
   * The server object is closed and started again in this JVM on the same SQLite file and an
   * external broker, rather than a killed child process: what survives is what was stored.
   */
  @Test
  void aServerRestartedMidStageCarriesOnWhereItWas() throws Exception {
    try (MosquittoBroker mosquitto = MosquittoBroker.start(dir.resolve("mosquitto"));
         FleetFixture fleet = FleetFixture.start(dir.resolve("fleet"), mosquitto.url(),
             b -> b.set(Settings.ROLLOUT_EVALUATE_INTERVAL, Duration.ofMillis(200)))) {
      FleetSimulator sim = fleet.simulate(20, List.of(RPI4), b -> b.telemetryInterval(Duration.ofSeconds(1)));
      CanaryRolloutTest.everyDeviceOnVersionOne(fleet, sim, 20);
      long id = Canary.start(fleet, 2, "hw=rpi4", null, Canary.strategy(List.of(10.0, 50.0, 100.0), 4, Canary.LOOSE_GATES, false));
      await().atMost(LONG).until(() -> Canary.rollout(fleet, id).get("stage").asInt() == 1);
      JsonNode before = Canary.rollout(fleet, id);

      fleet.restartServer();
      JsonNode after = Canary.rollout(fleet, id);
      assertThat(after.get("stage").asInt()).isEqualTo(1);
      assertThat(after.get("stageStartedAt").asText()).isEqualTo(before.get("stageStartedAt").asText());
      assertThat(after.get("history")).isEqualTo(before.get("history"));

      Canary.awaitStatus(fleet, id, "FINISHED", LONG);
      await().atMost(LONG).until(() -> sim.countActive(SampleBundles.MODEL, 2) == 20);
      assertThat(Canary.events(Canary.rollout(fleet, id))).containsExactly("created", "promoted", "promoted", "finished");
    }
  }

  @Test
  void devicesThatJoinTheCohortMidRolloutGetTheirStagesVersionAtOnce() throws Exception {
    try (FleetFixture fleet = FleetFixture.start(dir, null, b -> b.set(Settings.ROLLOUT_EVALUATE_INTERVAL, Duration.ofMillis(200)))) {
      FleetSimulator first = fleet.simulate(10, List.of(RPI4, new DeviceProfile("jetson", Map.of("hw", "jetson"), 2, 0)),
          b -> b.telemetryInterval(Duration.ofSeconds(1)));
      CanaryRolloutTest.everyDeviceOnVersionOne(fleet, first, 10);
      assertThat(fleet.api.put("/api/v1/cohorts/pis", Map.of("selector", "hw in (rpi4)")).status()).isEqualTo(201);

      // Stage 1 holds half the cohort and waits for an operator: the rollout stays there while devices join.
      long id = Canary.start(fleet, 2, null, "pis", Canary.strategy(List.of(50.0, 100.0), 0, Canary.LOOSE_GATES, true));
      Canary.awaitStatus(fleet, id, "AWAITING_APPROVAL", LONG);
      FleetSimulator late = fleet.simulate(10, List.of(RPI4), b -> b.idPrefix("late").telemetryInterval(Duration.ofSeconds(1)));
      String relabelled = FleetSimulator.deviceId("sim", 1); // a jetson, outside the cohort
      assertThat(fleet.api.put("/api/v1/devices/" + relabelled + "/labels", Map.of("labels", Map.of("hw", "rpi4"))).status())
          .isEqualTo(200);

      for (SimulatedDevice d : late.devices()) {
        int expected = StableHash.inShare(d.id(), id, 5000) ? 2 : -1;
        await().atMost(LONG).until(() -> d.agent().activeVersion(SampleBundles.MODEL).orElse(-1) == expected);
      }
      boolean relabelledIn = StableHash.inShare(relabelled, id, 5000);
      SimulatedDevice jetson = first.devices().get(1);
      await().atMost(LONG).until(() -> jetson.agent().activeVersion(SampleBundles.MODEL).orElse(-1) == (relabelledIn ? 2 : 1));
      assertThat(Canary.targets(fleet, id).contains(relabelled)).isEqualTo(relabelledIn);

      assertThat(fleet.api.post("/api/v1/rollouts/" + id + "/promote", Map.of("reason", "stage 1 looks good")).status())
          .isEqualTo(200);
      Canary.awaitStatus(fleet, id, "FINISHED", LONG);
      for (SimulatedDevice d : late.devices()) {
        await().atMost(LONG).until(() -> d.agent().activeVersion(SampleBundles.MODEL).orElse(-1) == 2);
      }
      JsonNode promoted = Canary.rollout(fleet, id).get("history").get(2);
      assertThat(promoted.get("event").asText()).isEqualTo("promoted");
      assertThat(promoted.get("reason").asText()).contains("promote by hand: stage 1 looks good");
    }
  }
}
