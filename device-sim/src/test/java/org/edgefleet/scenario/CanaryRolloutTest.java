package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.edgefleet.server.config.Settings;
import org.edgefleet.sim.BadModel;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.SimulatedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canary rollouts over a hundred simulated devices: a good model goes 1 % -> 10 % -> 50 % -> 100 %
 * and reaches every device; a model that is slow on one kind of hardware is stopped at the first
 * stage that holds such a device, and every device it touched goes back to the version it had.
 */
class CanaryRolloutTest {

  static final int DEVICES = 100;
  static final List<Double> STAGES = List.of(1.0, 10.0, 50.0, 100.0);
  static final Duration LONG = FleetFixture.PATIENCE.multipliedBy(3);

  @TempDir Path dir;

  static FleetFixture fleet(Path dir) throws Exception {
    return FleetFixture.start(dir, null, b -> b.set(Settings.ROLLOUT_EVALUATE_INTERVAL, Duration.ofMillis(200)));
  }

  static FleetSimulator simulate(FleetFixture fleet, int devices, List<DeviceProfile> profiles) throws Exception {
    return fleet.simulate(devices, profiles, b -> b.telemetryInterval(Duration.ofSeconds(1)).threads(2, 4));
  }

  /** Version 1 on every device first, all at once: the version the canary is measured against. */
  static void everyDeviceOnVersionOne(FleetFixture fleet, FleetSimulator sim, int devices) throws Exception {
    fleet.upload(fleet.bundles.bundle(1));
    fleet.upload(fleet.bundles.bundle(2));
    // A hundred agents unpacking their runtimes on a shared CI machine take a while to say hello.
    await().atMost(LONG).pollInterval(Duration.ofMillis(500))
        .until(() -> fleet.api.getJson("/api/v1/devices?limit=1000").get("devices").size() >= devices);
    String first = fleet.rollout(SampleBundles.MODEL, 1, "");
    await().atMost(LONG).until(() -> sim.countActive(SampleBundles.MODEL, 1) == devices);
    Canary.awaitStatus(fleet, Long.parseLong(first), "FINISHED", LONG);
  }

  @Test
  void aGoodModelCanariedInFourStagesReachesEveryDevice() throws Exception {
    try (FleetFixture fleet = fleet(dir)) {
      FleetSimulator sim = simulate(fleet, DEVICES, List.of(
          new DeviceProfile("rpi4", Map.of("hw", "rpi4", "region", "eu"), 2, 0),
          new DeviceProfile("jetson", Map.of("hw", "jetson", "region", "us"), 2, 0)));
      everyDeviceOnVersionOne(fleet, sim, DEVICES);

      long id = Canary.start(fleet, 2, "", null, Canary.strategy(STAGES, 2, Canary.LOOSE_GATES, false));
      Canary.awaitStatus(fleet, id, "FINISHED", LONG);
      await().atMost(LONG).until(() -> sim.countActive(SampleBundles.MODEL, 2) == DEVICES);

      JsonNode r = Canary.rollout(fleet, id);
      assertThat(Canary.events(r)).containsExactly("created", "promoted", "promoted", "promoted", "finished");
      assertThat(r.get("counts").get("active").asInt()).isEqualTo(DEVICES);
      // Stages only grow, by the stable hash: the devices each stage took in are the ones it holds.
      List<String> all = sim.devices().stream().map(SimulatedDevice::id).toList();
      List<Set<String>> expected = Canary.stageDevices(all, id, STAGES);
      JsonNode page = fleet.api.getJson("/api/v1/rollouts/" + id + "/targets?limit=1000");
      for (JsonNode t : page.get("targets")) {
        int stage = t.get("stage").asInt();
        String device = t.get("deviceId").asText();
        assertThat(expected.get(stage)).as(device + " taken in at stage " + stage).contains(device);
        if (stage > 0) {
          assertThat(expected.get(stage - 1)).as(device + " not held by the stage before").doesNotContain(device);
        }
      }
      assertThat(expected.get(0)).as("1 % of 100 devices").hasSizeLessThan(5);
    }
  }

  @Test
  void aModelSlowOnRpi3AbortsAtTheFirstStageWithAnRpi3AndEveryTouchedDeviceGoesBack() throws Exception {
    try (FleetFixture fleet = fleet(dir)) {
      DeviceProfile rpi4 = new DeviceProfile("rpi4", Map.of("hw", "rpi4"), 2, 0);
      DeviceProfile rpi3 = new DeviceProfile("rpi3", Map.of("hw", "rpi3"), 2, 0);
      FleetSimulator sim = fleet.simulate(DEVICES, List.of(rpi4, rpi4, rpi4, rpi3), b -> b.telemetryInterval(Duration.ofSeconds(1))
          .threads(2, 4).badModel(BadModel.slow(SampleBundles.MODEL, 2, Map.of("hw", "rpi3"), Duration.ofMillis(40))));
      everyDeviceOnVersionOne(fleet, sim, DEVICES);
      Map<String, Long> revisions = new java.util.HashMap<>();
      for (SimulatedDevice d : sim.devices()) {
        revisions.put(d.id(), fleet.api.getJson("/api/v1/devices/" + d.id()).get("desired").get("revision").asLong());
      }

      // Every device of a stage must report before it passes, so the rpi3s of a stage are always heard.
      long id = Canary.start(fleet, 2, "", null, Canary.strategy(STAGES, 3,
          Map.of("minDevicesReporting", 1_000_000, "maxP95Ratio", 2.0, "p95SlackMs", 15.0), false));
      Canary.awaitStatus(fleet, id, "ABORTED", LONG);

      List<String> all = sim.devices().stream().map(SimulatedDevice::id).toList();
      List<Set<String>> stages = Canary.stageDevices(all, id, STAGES);
      int firstWithRpi3 = 0;
      while (stages.get(firstWithRpi3).stream().noneMatch(d -> isRpi3(sim, d))) {
        firstWithRpi3++;
      }
      JsonNode r = Canary.rollout(fleet, id);
      JsonNode last = r.get("history").get(r.get("history").size() - 1);
      assertThat(last.get("event").asText()).isEqualTo("aborted");
      assertThat(last.get("stage").asInt()).as(last.toString()).isEqualTo(firstWithRpi3);
      assertThat(last.get("reason").asText()).contains("p95 latency", "devices put back on their previous version");

      Set<String> touched = Canary.targets(fleet, id);
      assertThat(touched).isEqualTo(stages.get(firstWithRpi3));
      await().atMost(LONG).until(() -> sim.countActive(SampleBundles.MODEL, 1) == DEVICES);
      for (SimulatedDevice d : sim.devices()) {
        JsonNode desired = fleet.api.getJson("/api/v1/devices/" + d.id()).get("desired");
        assertThat(desired.get("models").get(0).get("version").asInt()).as(d.id()).isEqualTo(1);
        if (!touched.contains(d.id())) {
          assertThat(desired.get("revision").asLong()).as(d.id() + " never saw v2").isEqualTo(revisions.get(d.id()));
        }
      }
    }
  }

  private static boolean isRpi3(FleetSimulator sim, String deviceId) {
    return sim.devices().stream().anyMatch(d -> d.id().equals(deviceId) && "rpi3".equals(d.profile().labels().get("hw")));
  }
}
