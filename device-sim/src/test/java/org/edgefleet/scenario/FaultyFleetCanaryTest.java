package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.server.config.Settings;
import org.edgefleet.sim.BadModel;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.Faults;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.SimulatedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A canary over twenty devices while things go wrong: 10 % of the links flap, 5 % of the devices
 * are killed mid-download (and boot again), some receive corrupted chunks, 5 % have a full disk, one
 * is slow hardware. Every healthy device converges on the new version, and no device ends without
 * a verified, working model: the full disk keeps serving the version it had.
 */
class FaultyFleetCanaryTest {

  static final int DEVICES = 20;
  static final Duration LONG = FleetFixture.PATIENCE.multipliedBy(3);

  @TempDir Path dir;

  @Test
  void underFaultsEveryHealthyDeviceConvergesAndNoDeviceEndsWithoutAWorkingModel() throws Exception {
    BadModel.Switch faultsOn = new BadModel.Switch(false);
    Faults faults = Faults.NONE.from(faultsOn);
    Map<Integer, DeviceProfile> special = Map.of(
        0, profile("flapping", faults.flapping(Duration.ofMillis(1500), Duration.ofMillis(700))),
        1, profile("flapping", faults.flapping(Duration.ofMillis(1100), Duration.ofMillis(900))),
        2, profile("killed", faults.killedMidDownload(Duration.ofSeconds(2))),
        3, profile("corrupting", faults.corruptingChunks(0.3)),
        4, profile("corrupting", faults.corruptingChunks(0.3)),
        5, profile("full-disk", faults.fullDisk()),
        6, profile("slow", faults.slowHardware(3)));
    List<DeviceProfile> profiles = new ArrayList<>();
    for (int i = 0; i < DEVICES; i++) {
      profiles.add(special.getOrDefault(i, profile("healthy", faults)));
    }
    // Small chunks, so the sample bundle travels in several and a download can be broken in the middle.
    try (FleetFixture fleet = FleetFixture.start(dir, null, b -> b.set(Settings.ROLLOUT_EVALUATE_INTERVAL, Duration.ofMillis(200))
        .chunkSize(1024))) {
      FleetSimulator sim = fleet.simulate(DEVICES, profiles, b -> b.telemetryInterval(Duration.ofSeconds(1)).threads(4, 2));
      CanaryRolloutTest.everyDeviceOnVersionOne(fleet, sim, DEVICES);
      faultsOn.on();

      // One failed install in a stage of a few devices must not abort: the full disk is expected.
      List<Double> stages = List.of(30.0, 60.0, 100.0);
      long id = Canary.start(fleet, 2, "", null, Canary.strategy(stages, 2, Map.of("minDevicesReporting", 1,
          "maxInstallFailureRate", 0.5, "maxP95Ratio", 5.0, "p95SlackMs", 100.0), false));
      Canary.awaitStatus(fleet, id, "FINISHED", LONG);

      SimulatedDevice fullDisk = sim.devices().get(5);
      await().atMost(LONG).until(() -> sim.countActive(SampleBundles.MODEL, 2) == DEVICES - 1);
      assertThat(fullDisk.agent().activeVersion(SampleBundles.MODEL)).as("the full disk keeps its model").hasValue(1);
      JsonNode target = targetOf(fleet, id, fullDisk.id());
      assertThat(target.get("state").asText()).isEqualTo("failed");
      assertThat(target.get("reason").asText()).contains("DISK_FULL");

      SimulatedDevice killed = sim.devices().get(2);
      assertThat(killed.restarts()).as("killed mid-download and booted again").isEqualTo(1);
      assertThat(sim.devices().get(3).agent().stats().corruptChunks() + sim.devices().get(4).agent().stats().corruptChunks())
          .as("corrupted chunks caught by their signed hashes").isPositive();

      // Every device serves: each one's application gets predictions from its active, self-tested model.
      Map<String, Long> before = new HashMap<>();
      sim.devices().forEach(d -> before.put(d.id(), d.predictions()));
      for (SimulatedDevice d : sim.devices()) {
        assertThat(d.isDown()).as(d.id()).isFalse();
        await(d.id() + " predicts").atMost(FleetFixture.PATIENCE)
            .until(() -> d.predictions() > before.get(d.id()) + 3);
      }
      assertThat(sim.devices().stream().filter(d -> d.agent().activeVersion(SampleBundles.MODEL).isEmpty()).toList())
          .as("devices without a model").isEmpty();
    }
  }

  private static DeviceProfile profile(String name, Faults faults) {
    return new DeviceProfile(name, Map.of("hw", "rpi4"), 5, 0).withFaults(faults);
  }

  private static JsonNode targetOf(FleetFixture fleet, long rollout, String device) throws Exception {
    for (JsonNode t : fleet.api.getJson("/api/v1/rollouts/" + rollout + "/targets?limit=1000").get("targets")) {
      if (t.get("deviceId").asText().equals(device)) {
        return t;
      }
    }
    throw new AssertionError(device + " is not a target of rollout " + rollout);
  }
}
