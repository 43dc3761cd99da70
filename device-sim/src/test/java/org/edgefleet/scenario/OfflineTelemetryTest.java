package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.Prediction;
import org.edgefleet.packager.sample.MotorDataGenerator;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.SimulatedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the broker down (stopped for maintenance), devices keep answering predict; when it returns, the telemetry they
 * recorded meanwhile reaches the server, every prediction counted exactly once.
 */
class OfflineTelemetryTest {

  static final int DEVICES = 5;

  @TempDir Path dir;

  @Test
  void predictionsWhileOfflineAreAllCounted() throws Exception {
    try (MosquittoBroker mosquitto = MosquittoBroker.start(dir.resolve("mosquitto"));
         FleetFixture fleet = FleetFixture.start(dir.resolve("fleet"), mosquitto.url(), b -> b)) {
      fleet.upload(fleet.bundles.bundle(1));
      FleetSimulator sim = fleet.simulate(DEVICES, List.of(new DeviceProfile("app-driven", Map.of("hw", "rpi4"), 0, 0)), b -> b);
      fleet.awaitDevicesKnown(DEVICES);
      fleet.rollout(SampleBundles.MODEL, 1, "");
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 1) == DEVICES);

      MotorDataGenerator sensors = MotorDataGenerator.create();
      Random random = new Random(5);
      predictOnEveryDevice(sim, sensors, random, 40);
      await().atMost(FleetFixture.PATIENCE).until(() -> RolloutEndToEndTest.inferenceCount(fleet, 1) >= DEVICES * 40L);

      // A maintenance stop: the broker keeps the server's session, so messages published before
      // the server is back are queued for it. (A crash loses them at the broker, after the
      // devices' outboxes were told they were delivered: use a broker with durable persistence.)
      mosquitto.stop();
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countConnected() == 0);
      predictOnEveryDevice(sim, sensors, random, 100);
      // Telemetry batches of the offline predictions wait in the devices' outboxes.
      await().atMost(FleetFixture.PATIENCE).until(() ->
          sim.devices().stream().allMatch(d -> d.agent().stats().outboxSize() > 0));

      mosquitto.start();
      long expected = DEVICES * 140L;
      await().atMost(FleetFixture.PATIENCE).until(() -> RolloutEndToEndTest.inferenceCount(fleet, 1) >= expected);
      await().atMost(FleetFixture.PATIENCE).until(() ->
          sim.devices().stream().allMatch(d -> d.agent().stats().outboxSize() == 0));
      assertThat(RolloutEndToEndTest.inferenceCount(fleet, 1)).isEqualTo(expected);
      for (SimulatedDevice d : sim.devices()) {
        assertThat(d.agent().stats().outboxDropped()).isZero();
      }
    }
  }

  static void predictOnEveryDevice(FleetSimulator sim, MotorDataGenerator sensors, Random random, int times) throws Exception {
    for (SimulatedDevice d : sim.devices()) {
      EdgeAgent agent = d.agent();
      for (int i = 0; i < times; i++) {
        Prediction p = agent.predict(SampleBundles.MODEL, Map.of("features", Tensor.row(sensors.sample(random).features())));
        assertThat(p.version()).isEqualTo(1);
        assertThat(p.output("probabilities").floats()).hasSize(2);
      }
    }
  }
}
