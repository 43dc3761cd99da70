package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.edgefleet.server.config.Settings;
import org.edgefleet.sim.BadModel;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.SimulatedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 3, blue-green: every device stages the new version beside the one it serves, and none
 * serves it before the switch; the switch moves them all at once; when the new version then fails
 * in service, the gate switches them all back at once.
 */
class BlueGreenRolloutTest {

  static final int DEVICES = 8;

  @TempDir Path dir;

  @Test
  void noDeviceServesTheNewVersionBeforeTheSwitchAllDoAfterItAndAFailureSwitchesAllBack() throws Exception {
    BadModel.Switch failing = new BadModel.Switch(false);
    try (FleetFixture fleet = CanaryRolloutTest.fleet(dir)) {
      FleetSimulator sim = fleet.simulate(DEVICES, List.of(new DeviceProfile("rpi4", Map.of("hw", "rpi4"), 10, 0)),
          b -> b.badModel(new BadModel(SampleBundles.MODEL, 2, BadModel.Behaviour.FAIL, Map.of(), null, failing)));
      CanaryRolloutTest.everyDeviceOnVersionOne(fleet, sim, DEVICES);

      // Manual approval holds the switch, so the test can look at a fleet that staged and did not switch.
      long id = Canary.start(fleet, 2, "", null, Map.of("kind", "blue-green", "manualApproval", true,
          "blueGreen", Map.of("switchAtPercent", 100, "bakeSeconds", 600),
          "gates", Map.of("minDevicesReporting", 1, "maxErrorRate", 0.05, "maxP95Ratio", 100.0, "p95SlackMs", 1000.0)));
      Canary.awaitStatus(fleet, id, "AWAITING_APPROVAL", FleetFixture.PATIENCE);
      JsonNode staged = Canary.rollout(fleet, id);
      assertThat(staged.get("counts").get("staged").asInt()).as(staged.toString()).isEqualTo(DEVICES);
      assertThat(sim.countActive(SampleBundles.MODEL, 2)).as("serving v2 before the switch").isZero();
      for (SimulatedDevice d : sim.devices()) {
        JsonNode model = fleet.api.getJson("/api/v1/devices/" + d.id()).get("models").get(0);
        assertThat(model.get("activeVersion").asInt()).as(d.id()).isEqualTo(1);
        assertThat(model.get("slots").findValuesAsText("version")).as(d.id() + " holds v2 staged").contains("2");
      }
      JsonNode before = fleet.api.getJson("/api/v1/metrics/models/" + SampleBundles.MODEL);
      assertThat(before.get("versions").findValues("version")).as("no telemetry of v2 before the switch")
          .noneMatch(v -> v.asInt() == 2);

      assertThat(fleet.api.post("/api/v1/rollouts/" + id + "/promote", Map.of("reason", "all staged")).status()).isEqualTo(200);
      JsonNode switched = Canary.rollout(fleet, id);
      assertThat(Canary.events(switched)).containsExactly("created", "awaiting_approval", "promoted");
      assertThat(switched.get("history").get(2).get("reason").asText()).contains(DEVICES + " devices switched at once");
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 2) == DEVICES);
      assertThat(Canary.rollout(fleet, id).get("status").asText()).as("still baking").isEqualTo("RUNNING");

      failing.on();
      Canary.awaitStatus(fleet, id, "ABORTED", FleetFixture.PATIENCE);
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 1) == DEVICES);
      JsonNode aborted = Canary.rollout(fleet, id);
      assertThat(aborted.get("history").get(aborted.get("history").size() - 1).get("reason").asText())
          .contains(DEVICES + " devices put back on their previous version");
      for (SimulatedDevice d : sim.devices()) {
        JsonNode desired = fleet.api.getJson("/api/v1/devices/" + d.id()).get("desired").get("models");
        assertThat(desired).as(d.id()).hasSize(1);
        assertThat(desired.get(0).get("version").asInt()).as(d.id()).isEqualTo(1);
      }
    }
  }

  /** The server restarted while the targets stage (same SQLite file, an external broker): the rollout switches and finishes. */
  @Test
  void aServerRestartedWhileTheTargetsStageStillSwitchesThemAll() throws Exception {
    try (MosquittoBroker mosquitto = MosquittoBroker.start(dir.resolve("mosquitto"));
         FleetFixture fleet = FleetFixture.start(dir.resolve("fleet"), mosquitto.url(),
             b -> b.set(Settings.ROLLOUT_EVALUATE_INTERVAL, Duration.ofMillis(200)))) {
      FleetSimulator sim = fleet.simulate(DEVICES, List.of(new DeviceProfile("rpi4", Map.of("hw", "rpi4"), 5, 0)),
          UnaryOperator.identity());
      CanaryRolloutTest.everyDeviceOnVersionOne(fleet, sim, DEVICES);
      long id = Canary.start(fleet, 2, "", null, Map.of("kind", "blue-green", "blueGreen", Map.of("bakeSeconds", 1),
          "gates", Map.of("maxP95Ratio", 100.0, "p95SlackMs", 1000.0)));
      fleet.restartServer();
      Canary.awaitStatus(fleet, id, "FINISHED", FleetFixture.PATIENCE);
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 2) == DEVICES);
      JsonNode r = Canary.rollout(fleet, id);
      assertThat(Canary.events(r)).containsExactly("created", "promoted", "finished");
      assertThat(r.get("counts").get("active").asInt()).isEqualTo(DEVICES);
    }
  }
}
