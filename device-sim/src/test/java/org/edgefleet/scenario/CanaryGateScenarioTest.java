package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.edgefleet.agent.AgentListener;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;
import org.edgefleet.sim.BadModel;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FeatureShift;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.SimulatedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The canary's own gates on what devices report: a version that starts emitting NaN after the
 * devices' health window closed is stopped by the server at its first stage, and every device it
 * touched goes back; a version whose inputs drift pauses the rollout (nothing is undone) until an
 * operator resumes it.
 */
class CanaryGateScenarioTest {

  static final Duration LONG = FleetFixture.PATIENCE.multipliedBy(2);

  @TempDir Path dir;

  @Test
  void aVersionEmittingNanAbortsAtItsFirstStageAndEveryTouchedDeviceGoesBack() throws Exception {
    int devices = 10;
    List<Double> stages = List.of(20.0, 100.0);
    BadModel.Switch nan = new BadModel.Switch(false);
    try (FleetFixture fleet = CanaryRolloutTest.fleet(dir)) {
      // The devices' own health window is short: the NaN comes after it, so only the server's gate can see it.
      FleetSimulator sim = fleet.simulate(devices, List.of(new DeviceProfile("rpi4", Map.of("hw", "rpi4"), 10, 0)),
          b -> b.telemetryInterval(Duration.ofSeconds(1)).badModel(BadModel.emitsNan(SampleBundles.MODEL, 2, Map.of("hw", "rpi4"), nan))
              .customizeAgents(a -> a.reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).healthWindow(Duration.ofSeconds(1))));
      CanaryRolloutTest.everyDeviceOnVersionOne(fleet, sim, devices);
      Map<String, Long> revisions = new HashMap<>();
      for (SimulatedDevice d : sim.devices()) {
        revisions.put(d.id(), fleet.api.getJson("/api/v1/devices/" + d.id()).get("desired").get("revision").asLong());
      }
      Set<String> healthy = ConcurrentHashMap.newKeySet();
      for (SimulatedDevice d : sim.devices()) {
        d.agent().addListener(new AgentListener() {
          @Override
          public void onEvent(DeviceEvent e) {
            if (e.execution() == Execution.HEALTH_CHECK && e.result() == Result.SUCCESS && e.version() == 2) {
              healthy.add(d.id());
            }
          }
        });
      }

      // A long bake: the first stage cannot pass before the NaN starts.
      long id = Canary.start(fleet, 2, "", null, Canary.strategy(stages, 600,
          Map.of("minDevicesReporting", 1, "maxP95Ratio", 5.0, "p95SlackMs", 100.0, "maxInvalidOutputRate", 0.0), false));
      List<String> all = sim.devices().stream().map(SimulatedDevice::id).toList();
      Set<String> first = Canary.stageDevices(all, id, stages).get(0);
      await().atMost(LONG).until(() -> healthy.containsAll(first));
      nan.on();

      Canary.awaitStatus(fleet, id, "ABORTED", LONG);
      JsonNode r = Canary.rollout(fleet, id);
      JsonNode last = r.get("history").get(r.get("history").size() - 1);
      assertThat(last.get("stage").asInt()).as(last.toString()).isZero();
      assertThat(last.get("reason").asText()).contains("invalid output rate", "gave NaN or infinite outputs",
          "devices put back on their previous version");
      assertThat(Canary.targets(fleet, id)).isEqualTo(first);
      await().atMost(LONG).until(() -> sim.countActive(SampleBundles.MODEL, 1) == devices);
      for (SimulatedDevice d : sim.devices()) {
        JsonNode desired = fleet.api.getJson("/api/v1/devices/" + d.id()).get("desired");
        assertThat(desired.get("models").get(0).get("version").asInt()).as(d.id()).isEqualTo(1);
        if (!first.contains(d.id())) {
          assertThat(desired.get("revision").asLong()).as(d.id() + " never saw v2").isEqualTo(revisions.get(d.id()));
        }
      }
    }
  }

  @Test
  void inputsDriftingUnderTheNewVersionPauseTheCanaryUntilResumedAndNothingIsUndone() throws Exception {
    int devices = 4;
    List<String> shifted = List.of("vib_rms_x", "winding_current_a");
    // The application's inputs drift once v2 serves: v1 sees the data it was calibrated on.
    DeviceProfile drifting = new DeviceProfile("rpi4", Map.of("hw", "rpi4"), 100, 0)
        .withShift(new FeatureShift(shifted, 0, 1.6, null, 2));
    try (FleetFixture fleet = CanaryRolloutTest.fleet(dir)) {
      FleetSimulator sim = CanaryRolloutTest.simulate(fleet, devices, List.of(drifting));
      CanaryRolloutTest.everyDeviceOnVersionOne(fleet, sim, devices);

      long id = Canary.start(fleet, 2, "", null, Canary.strategy(List.of(50.0, 100.0), 600,
          Map.of("minDevicesReporting", 1, "maxP95Ratio", 5.0, "p95SlackMs", 100.0,
              "drift", Map.of("maxPsi", 0.25, "windowSeconds", 600)), false));
      Canary.awaitStatus(fleet, id, "PAUSED", LONG);
      JsonNode r = Canary.rollout(fleet, id);
      JsonNode paused = r.get("history").get(r.get("history").size() - 1);
      assertThat(paused.get("event").asText()).isEqualTo("paused");
      assertThat(paused.get("stage").asInt()).isZero();
      assertThat(paused.get("reason").asText()).contains("input drift of v2", "features/vib_rms_x PSI", "features/winding_current_a PSI")
          .doesNotContain("rpm");
      Set<String> touched = Canary.targets(fleet, id);
      assertThat(sim.devices().stream().filter(d -> touched.contains(d.id()))
          .allMatch(d -> d.agent().activeVersion(SampleBundles.MODEL).orElse(-1) == 2)).as("nothing undone").isTrue();

      FleetApi.Response resumed = fleet.api.post("/api/v1/rollouts/" + id + "/resume", Map.of("reason", "drift seen, carry on"));
      assertThat(resumed.status()).as(resumed.text()).isEqualTo(200);
      // Judged afresh from the resume: the drift goes on, so it pauses again once enough new inputs came in.
      await().atMost(LONG).until(() -> Canary.events(Canary.rollout(fleet, id)).stream().filter("paused"::equals).count() == 2);
      assertThat(Canary.events(Canary.rollout(fleet, id))).containsExactly("created", "paused", "resumed", "paused");
    }
  }
}
