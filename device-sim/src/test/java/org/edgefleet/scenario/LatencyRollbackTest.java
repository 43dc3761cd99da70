package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefleet.sim.BadModel;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.SimulatedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's latency gate times the new version beside the one it replaced, on the same inputs at
 * the same time: a version that is slower is rolled back by the device itself, and a device that
 * merely got busier after the switch keeps a good version (judged against what the previous
 * version did before the switch, it was rolled back).
 */
class LatencyRollbackTest {

  static final int DEVICES = 3;
  static final Map<String, String> LABELS = Map.of("hw", "rpi4");
  static final Duration WINDOW = Duration.ofSeconds(8);

  @TempDir Path dir;

  FleetSimulator simulate(FleetFixture fleet, List<BadModel> bad) throws Exception {
    return fleet.simulate(DEVICES, List.of(new DeviceProfile("busy", LABELS, 40, 0)), b -> {
      bad.forEach(b::badModel);
      return b.customizeAgents(a -> a.reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).healthWindow(WINDOW));
    });
  }

  @Test
  void aSlowerVersionIsRolledBackByEachDeviceOnItsSideBySideTiming() throws Exception {
    try (FleetFixture fleet = FleetFixture.embedded(dir)) {
      fleet.upload(fleet.bundles.bundle(1));
      fleet.upload(fleet.bundles.bundle(2));
      FleetSimulator sim = simulate(fleet, List.of(BadModel.slow(SampleBundles.MODEL, 2, LABELS, Duration.ofMillis(6))));
      fleet.awaitDevicesKnown(DEVICES);
      fleet.awaitFinished(fleet.rollout(SampleBundles.MODEL, 1, ""));
      String v2 = fleet.rollout(SampleBundles.MODEL, 2, "");
      await().atMost(FleetFixture.PATIENCE).until(() -> RollbackRefusedTest.failedWith(fleet, v2, "LATENCY") == DEVICES);
      for (SimulatedDevice d : sim.devices()) {
        assertThat(d.agent().activeVersion(SampleBundles.MODEL)).as(d.id()).hasValue(1);
      }
      for (JsonNode t : fleet.api.getJson("/api/v1/rollouts/" + v2).get("targets")) {
        assertThat(t.path("details").asText()).as(t.toString()).contains("side by side", "rolled back to v1");
      }
    }
  }

  @Test
  void aDeviceThatGotBusierAfterTheSwitchKeepsAGoodVersion() throws Exception {
    BadModel.Switch busier = new BadModel.Switch(false);
    Duration load = Duration.ofMillis(6);
    try (FleetFixture fleet = FleetFixture.embedded(dir)) {
      fleet.upload(fleet.bundles.bundle(1));
      fleet.upload(fleet.bundles.bundle(2));
      // Every version gets 6 ms slower at once: the device, not the version, changed.
      FleetSimulator sim = simulate(fleet, List.of(
          new BadModel(SampleBundles.MODEL, 1, BadModel.Behaviour.SLOW, LABELS, load, busier),
          new BadModel(SampleBundles.MODEL, 2, BadModel.Behaviour.SLOW, LABELS, load, busier)));
      fleet.awaitDevicesKnown(DEVICES);
      fleet.awaitFinished(fleet.rollout(SampleBundles.MODEL, 1, ""));
      // v1 builds a record of fast calls before the device gets busy.
      long before = sim.totalPredictions();
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.totalPredictions() > before + DEVICES * 100);
      busier.on();
      String v2 = fleet.rollout(SampleBundles.MODEL, 2, "");
      fleet.awaitFinished(v2);
      // Past every device's window, every one still serves v2.
      await().during(WINDOW.plusSeconds(3)).atMost(WINDOW.plusSeconds(30))
          .until(() -> sim.countActive(SampleBundles.MODEL, 2) == DEVICES);
      assertThat(RollbackRefusedTest.failedWith(fleet, v2, "LATENCY")).isZero();
    }
  }
}
