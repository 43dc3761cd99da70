package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefleet.fault.MqttFaultProxy;
import org.edgefleet.sim.BadModel;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.SimulatedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version that passes its self-test and then emits NaN in service is rolled back by every
 * device on its own, while the devices cannot reach the server; once back, each reports the
 * version failed with the reason.
 */
class HealthRollbackTest {

  static final int DEVICES = 3;

  @TempDir Path dir;

  @Test
  void nanEmittingVersionIsRolledBackLocallyWhileOfflineAndReportedWithTheReason() throws Exception {
    BadModel.Switch nan = new BadModel.Switch(false);
    try (FleetFixture fleet = FleetFixture.embedded(dir);
         MqttFaultProxy network = MqttFaultProxy.start(URI.create(fleet.server.mqttUrl()).getPort())) {
      fleet.upload(fleet.bundles.bundle(1));
      fleet.upload(fleet.bundles.bundle(2));
      FleetSimulator sim = fleet.simulate(DEVICES, List.of(new DeviceProfile("busy", Map.of("hw", "rpi4"), 20, 0)),
          b -> b.brokerUrl(network.url())
              .badModel(BadModel.emitsNan(SampleBundles.MODEL, 2, Map.of("hw", "rpi4"), nan))
              .customizeAgents(a -> a.reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                  .healthWindow(Duration.ofMinutes(10))));
      fleet.awaitDevicesKnown(DEVICES);
      String v1 = fleet.rollout(SampleBundles.MODEL, 1, "");
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 1) == DEVICES);
      fleet.awaitFinished(v1);
      String v2 = fleet.rollout(SampleBundles.MODEL, 2, "hw=rpi4");
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 2) == DEVICES);

      network.cut();
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countConnected() == 0);
      nan.on();
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 1) == DEVICES);
      for (SimulatedDevice d : sim.devices()) {
        assertThat(d.agent().isConnected()).as(d.id()).isFalse();
      }

      network.open();
      await().atMost(FleetFixture.PATIENCE)
          .until(() -> RollbackRefusedTest.failedWith(fleet, v2, "INVALID_OUTPUT") == DEVICES);
      for (SimulatedDevice d : sim.devices()) {
        await().atMost(FleetFixture.PATIENCE).untilAsserted(() -> {
          JsonNode device = fleet.api.getJson("/api/v1/devices/" + d.id());
          assertThat(device.get("lastError").asText()).as(d.id()).contains("health_check INVALID_OUTPUT", "rolled back to v1");
          JsonNode model = device.get("models").get(0);
          assertThat(model.get("activeVersion").asInt()).isEqualTo(1);
          assertThat(model.get("state").asText()).isEqualTo("failed");
          assertThat(model.get("stateVersion").asInt()).isEqualTo(2);
          assertThat(model.get("details").asText()).contains("NaN", "rolled back to v1");
        });
      }
      // Served by v1 again, never by the vetoed v2.
      long before = sim.totalPredictions();
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.totalPredictions() > before + DEVICES * 5);
      assertThat(sim.countActive(SampleBundles.MODEL, 2)).isZero();
    }
  }
}
