package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.transport.CoapOptions;
import org.edgefleet.server.config.Settings;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.SimulatedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One fleet, two transports: 20 agents on MQTT and 20 on CoAP (Californium, loopback UDP) take
 * version 1 at once, then version 2 in a three-stage canary; every device converges, the CoAP ones
 * having fetched the bundle block by block and checked it against the signed chunk hashes.
 */
class MixedFleetCoapTest {

  static final int DEVICES = 40;
  static final List<Double> STAGES = List.of(10.0, 50.0, 100.0);
  static final Duration LONG = FleetFixture.PATIENCE.multipliedBy(3);

  @TempDir Path dir;

  @Test
  void aCanaryRolloutConvergesOnMqttAndCoapDevicesAlike() throws Exception {
    try (FleetFixture fleet = FleetFixture.start(dir, null, b -> b.set(Settings.ROLLOUT_EVALUATE_INTERVAL, Duration.ofMillis(200))
        .set(Settings.COAP_PORT, 0).set(Settings.COAP_OBSERVE_MAX_AGE, Duration.ofSeconds(10)))) {
      String coapUrl = fleet.server.coap().orElseThrow().url();
      FleetSimulator sim = fleet.simulate(DEVICES, List.of(new DeviceProfile("rpi4", Map.of("hw", "rpi4"), 2, 0)),
          b -> b.telemetryInterval(Duration.ofSeconds(1)).threads(2, 4).coap(coapUrl, 2)
              .customizeAgents(a -> a.reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                  .set(CoapOptions.OBSERVE_REFRESH, Duration.ofSeconds(5)).set(CoapOptions.ACK_TIMEOUT, Duration.ofMillis(500))));
      List<SimulatedDevice> coapDevices = sim.devices().stream().filter(MixedFleetCoapTest::isCoap).toList();
      assertThat(coapDevices).as("every second device on CoAP").hasSize(DEVICES / 2);

      fleet.upload(fleet.bundles.bundle(1));
      fleet.upload(fleet.bundles.bundle(2));
      await().atMost(LONG).pollInterval(Duration.ofMillis(500))
          .until(() -> fleet.api.getJson("/api/v1/devices?limit=1000").get("devices").size() >= DEVICES);
      String first = fleet.rollout(SampleBundles.MODEL, 1, "");
      await().atMost(LONG).until(() -> sim.countActive(SampleBundles.MODEL, 1) == DEVICES);
      Canary.awaitStatus(fleet, Long.parseLong(first), "FINISHED", LONG);

      long id = Canary.start(fleet, 2, "", null, Canary.strategy(STAGES, 1, Canary.LOOSE_GATES, false));
      Canary.awaitStatus(fleet, id, "FINISHED", LONG);
      await().atMost(LONG).until(() -> sim.countActive(SampleBundles.MODEL, 2) == DEVICES);

      JsonNode r = Canary.rollout(fleet, id);
      assertThat(Canary.events(r)).containsExactly("created", "promoted", "promoted", "finished");
      assertThat(r.get("counts").get("active").asInt()).isEqualTo(DEVICES);
      for (SimulatedDevice d : coapDevices) {
        JsonNode device = fleet.api.getJson("/api/v1/devices/" + d.id());
        assertThat(device.toString()).as(d.id() + " reported over CoAP").contains("\"version\":2");
      }
      assertThat(fleet.server.coap().orElseThrow().refused("identity_mismatch")).isZero();
    }
  }

  // FleetSimulator.Builder.coap(url, 2): the devices of odd index.
  private static boolean isCoap(SimulatedDevice d) {
    int index = Integer.parseInt(d.id().substring(d.id().lastIndexOf('-') + 1));
    return index % 2 == 1;
  }
}
