package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.edgefleet.fault.Drop;
import org.edgefleet.fault.MqttFaultProxy;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet whose links break at every step of the MQTT session (before CONNACK, between CONNACK
 * and SUBACK, in the middle of a chunk transfer) while someone tries to take a device's client id:
 * every device still ends with the model active, and the server sees each of them online.
 */
class ConnectionFaultsTest {

  static final int DEVICES = 5;
  static final int CHUNK = 4096;

  @TempDir Path dir;

  @Test
  void everyDeviceConvergesWhateverStepItsLinkBreaksAt() throws Exception {
    try (FleetFixture fleet = FleetFixture.start(dir, null, b -> b.chunkSize(CHUNK));
         MqttFaultProxy proxy = MqttFaultProxy.start(URI.create(fleet.server.mqttUrl()).getPort())) {
      Path bundle = fleet.bundles.largeBundle(1, 512 * 1024);
      assertThat(Files.size(bundle) / CHUNK).isGreaterThan(100);
      fleet.upload(bundle);

      // The first sessions break before the devices learn they are connected.
      proxy.arm(Drop.beforeConnack());
      proxy.arm(Drop.beforeConnack());
      proxy.arm(Drop.beforeSuback());
      proxy.arm(Drop.beforeSuback());
      FleetSimulator sim = fleet.simulate(DEVICES, List.of(new DeviceProfile("idle", Map.of("hw", "rpi4"), 0, 0)),
          b -> b.brokerUrl(proxy.url()).customizeAgents(a -> a.reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
              .chunkTimeout(Duration.ofSeconds(2))));
      fleet.awaitDevicesKnown(DEVICES);
      await().atMost(FleetFixture.PATIENCE).until(() -> proxy.dropsFired() == 4);

      // A client tries to take a connected device's id: refused, the device keeps its session.
      String victim = FleetSimulator.deviceId("sim", 0);
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countConnected() == DEVICES);
      assertThat(takeOver(fleet.server.mqttUrl(), victim)).as("takeover of " + victim).isFalse();
      assertThat(sim.countConnected()).isEqualTo(DEVICES);

      // Then links break in the middle of the transfer, three times.
      proxy.arm(Drop.afterPublishesToClient(40));
      proxy.arm(Drop.afterPublishesToClient(120));
      proxy.arm(Drop.afterPublishesToClient(300));
      fleet.rollout(SampleBundles.MODEL, 1, "");


      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 1) == DEVICES);
      assertThat(proxy.dropsFired()).isEqualTo(7);
      await().atMost(FleetFixture.PATIENCE).until(() -> onlineOnServer(fleet) == DEVICES);
      assertThat(fleet.server.broker().orElseThrow().restarts()).isZero();
    }
  }

  private static boolean takeOver(String brokerUrl, String deviceId) throws MqttException {
    MqttClient thief = new MqttClient(brokerUrl, deviceId, new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setUserName(deviceId);
    o.setPassword(new char[0]);
    try {
      thief.connect(o);
      thief.disconnect();
      return true;
    } catch (MqttException refused) {
      return false;
    } finally {
      thief.close();
    }
  }

  private static long onlineOnServer(FleetFixture fleet) throws Exception {
    long n = 0;
    for (var d : fleet.api.getJson("/api/v1/devices").get("devices")) {
      n += d.path("online").asBoolean() ? 1 : 0;
    }
    return n;
  }
}
