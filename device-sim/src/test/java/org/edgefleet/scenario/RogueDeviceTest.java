package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rogue device floods its topics with malformed, oversized, wrong-version and replayed JSON
 * while a rollout runs: the server counts and drops it all, and every real device still gets
 * its model and has its telemetry stored.
 */
class RogueDeviceTest {

  static final int DEVICES = 10;

  @TempDir Path dir;

  @Test
  void garbageFromOneDeviceDoesNotHurtTheOthers() throws Exception {
    try (FleetFixture fleet = FleetFixture.embedded(dir)) {
      fleet.upload(fleet.bundles.bundle(1));
      FleetSimulator sim = fleet.simulate(DEVICES, List.of(new DeviceProfile("busy", Map.of("hw", "rpi4"), 20, 0)), b -> b);
      fleet.awaitDevicesKnown(DEVICES);

      MqttClient rogue = new MqttClient(fleet.server.mqttUrl(), "rogue-1", new MemoryPersistence());
      MqttConnectOptions options = new MqttConnectOptions();
      options.setUserName("rogue-1");
      options.setPassword(new char[0]);
      options.setMaxInflight(1000);
      rogue.connect(options);
      Topics topics = fleet.server.topics();
      fleet.rollout(SampleBundles.MODEL, 1, "hw=rpi4");
      byte[][] garbage = {
          "{not json".getBytes(StandardCharsets.UTF_8),
          "[]".getBytes(StandardCharsets.UTF_8),
          "{\"v\":99,\"deviceId\":\"rogue-1\"}".getBytes(StandardCharsets.UTF_8),
          "{\"v\":1,\"deviceId\":\"sim-0000\",\"seq\":1,\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-01T00:00:01Z\"}"
              .getBytes(StandardCharsets.UTF_8),
          ("{\"v\":1,\"pad\":\"" + "x".repeat(200_000) + "\"}").getBytes(StandardCharsets.UTF_8),
          new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1},
      };
      for (int round = 0; round < 20; round++) {
        for (TopicKind kind : List.of(TopicKind.REPORTED, TopicKind.EVENTS, TopicKind.TELEMETRY, TopicKind.BUNDLE_REQUEST)) {
          for (byte[] payload : garbage) {
            rogue.publish(topics.topic("rogue-1", kind), payload, 1, false);
          }
        }
      }
      rogue.disconnect();
      rogue.close();

      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 1) == DEVICES);
      await().atMost(FleetFixture.PATIENCE).until(() -> RolloutEndToEndTest.inferenceCount(fleet, 1) > 0);
      // Every rogue publish was acknowledged by the broker, but the server may still be working through
      // the broker's queue for it when the devices are done: wait for every piece of garbage to be counted.
      double everyPiece = 20.0 * 4 * garbage.length;
      await().atMost(FleetFixture.PATIENCE).untilAsserted(() -> assertThat(
          Prometheus.sum(fleet.api.getText("/metrics"), "fleet_device_messages_rejected_total", ""))
          .isGreaterThanOrEqualTo(everyPiece));
    }
  }
}
