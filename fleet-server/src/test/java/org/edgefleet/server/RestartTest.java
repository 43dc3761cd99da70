package org.edgefleet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.edgefleet.server.broker.EmbeddedBroker;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.TestBundles;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broker and server restarts in the middle of a rollout lose nothing. */
class RestartTest {

  private static final Duration LONG = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);

  private ServerConfig.Builder config() throws Exception {
    return TestServers.config(dir.resolve("data")).trustedPackagerKeys(List.of(TestServers.trustedKey(dir, packager)));
  }

  @Test
  void transferSurvivesABrokerRestartInTheMiddle() throws Exception {
    try (FleetServer server = FleetServer.start(config().chunkSize(8192).build());
         FakeDevice device = new FakeDevice(server.mqttUrl(), "cam-1", server.topics())) {
      Api api = Api.admin(server);
      device.report(Map.of("hw", "rpi4"), 0, List.of());
      await().atMost(LONG).until(() -> api.get("/api/v1/devices/cam-1").status() == 200);
      Path bundle = TestBundles.write(dir.resolve("b"), packager, "big", 1, 1_500_000);
      assertThat(api.upload(bundle).status()).isEqualTo(201);
      assertThat(api.postJson("/api/v1/rollouts", "{\"model\":\"big\",\"version\":1}").status()).isEqualTo(201);
      BundleRef ref = device.awaitDesired(TrustStore.of(server.serverKey()), 1, LONG).models().get(0).bundle();

      CompletableFuture<byte[]> fetched = CompletableFuture.supplyAsync(() -> {
        try {
          return device.fetch(ref, 4, LONG);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      await().atMost(LONG).until(() -> device.chunksReceived(ref.digest()) >= 20);
      EmbeddedBroker broker = server.broker().orElseThrow();
      broker.stop();
      assertThat(device.chunksReceived(ref.digest())).isLessThan(ref.chunkCount());
      broker.start();

      assertThat(fetched.get(LONG.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(Files.readAllBytes(bundle));
      await().atMost(LONG).until(server::mqttConnected);
      // Publications the broker never acknowledged gave their in-flight slots back.
      await().atMost(LONG).until(() -> server.transfer().inFlight() == 0);
    }
  }

  @Test
  void rolloutSurvivesAServerRestartAndFinishesAfterwards() throws Exception {
    long rolloutId;
    long revision;
    try (FleetServer server = FleetServer.start(config().build());
         FakeDevice device = new FakeDevice(server.mqttUrl(), "cam-2", server.topics())) {
      Api api = Api.admin(server);
      device.report(Map.of("hw", "rpi4"), 0, List.of());
      await().atMost(LONG).until(() -> api.get("/api/v1/devices/cam-2").status() == 200);
      assertThat(api.upload(TestBundles.write(dir.resolve("b"), packager, "m", 1, 10_000)).status()).isEqualTo(201);
      rolloutId = api.postJson("/api/v1/rollouts", "{\"model\":\"m\",\"version\":1}").json().get("id").asLong();
      revision = device.awaitDesired(TrustStore.of(server.serverKey()), 1, LONG).revision();
      device.event("m", 1, Execution.DOWNLOAD, Result.STARTED, null);
      await().atMost(LONG).until(() -> api.get("/api/v1/rollouts/" + rolloutId).json().get("counts").get("downloading").asInt() == 1);
    }

    try (FleetServer server = FleetServer.start(config().build());
         FakeDevice device = new FakeDevice(server.mqttUrl(), "cam-2", server.topics()).continueSequenceAt(1)) {
      Api api = Api.admin(server);
      assertThat(api.get("/api/v1/rollouts/" + rolloutId).json().get("status").asText()).isEqualTo("RUNNING");
      DesiredState again = device.awaitDesired(TrustStore.of(server.serverKey()), revision, LONG);
      assertThat(again.revision()).isEqualTo(revision);
      device.event("m", 1, Execution.ACTIVATE, Result.SUCCESS, null);
      await().atMost(LONG).until(() -> api.get("/api/v1/rollouts/" + rolloutId).json().get("status").asText().equals("FINISHED"));
      assertThat(api.get("/api/v1/models").json().get("models").get(0).get("name").asText()).isEqualTo("m");
    }
  }

  @Test
  void deviceReportingAnOlderRevisionGetsItsDesiredStateAgain() throws Exception {
    try (FleetServer server = FleetServer.start(config().brokerPersistence(false).reconcileInterval(Duration.ofMillis(50)).build());
         FakeDevice device = new FakeDevice(server.mqttUrl(), "cam-3", server.topics())) {
      Api api = Api.admin(server);
      device.report(Map.of("hw", "rpi4"), 0, List.of());
      await().atMost(LONG).until(() -> api.get("/api/v1/devices/cam-3").status() == 200);
      assertThat(api.upload(TestBundles.write(dir.resolve("b"), packager, "m", 1, 10_000)).status()).isEqualTo(201);
      assertThat(api.postJson("/api/v1/rollouts", "{\"model\":\"m\",\"version\":1}").status()).isEqualTo(201);
      TrustStore trust = TrustStore.of(server.serverKey());
      long revision = device.awaitDesired(trust, 1, LONG).revision();

      // The retained copy disappears (as with a broker that lost it); the device, reconnecting
      // fresh, finds nothing until its report shows it is behind. (Its old connection ends first:
      // the broker refuses a second connection with a client id that is connected.)
      device.close();
      clearRetained(server, Files.readString(dir.resolve("data/keys/broker-password")).strip(),
          server.topics().topic("cam-3", TopicKind.DESIRED));
      try (FakeDevice fresh = new FakeDevice(server.mqttUrl(), "cam-3", server.topics())) {
        Thread.sleep(100); // the reconcile interval since the rollout's publication must pass
        fresh.report(Map.of("hw", "rpi4"), 0, List.of());
        assertThat(fresh.awaitDesired(trust, revision, LONG).revision()).isEqualTo(revision);
      }
    }
  }

  private static void clearRetained(FleetServer server, String password, String topic) throws Exception {
    MqttClient admin = new MqttClient(server.mqttUrl(), "test-admin", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setUserName(EmbeddedBroker.serverUsername());
    o.setPassword(password.toCharArray());
    admin.connect(o);
    admin.publish(topic, new byte[0], 1, true);
    admin.disconnect();
    admin.close();
  }
}
