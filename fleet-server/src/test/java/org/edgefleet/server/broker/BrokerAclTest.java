package org.edgefleet.server.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** What the embedded broker lets clients do. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokerAclTest {

  private static final Duration LONG = Duration.ofSeconds(30);

  private FleetServer server;
  private Api api;

  @BeforeAll
  void start(@TempDir Path dir) throws IOException {
    server = FleetServer.start(TestServers.config(dir).build());
    api = Api.admin(server);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aDeviceCannotPublishUnderAnotherDevicesTopicsNorOnServerBoundOnes() throws Exception {
    try (FakeDevice mallory = new FakeDevice(server.mqttUrl(), "mallory", server.topics())) {
      mallory.client().setTimeToWait(1500);
      byte[] forged = MessageCodec.encode(report("victim"));
      // The broker drops an unauthorized publication without acknowledging it.
      assertThatThrownBy(() -> mallory.client().publish(server.topics().topic("victim", TopicKind.REPORTED), forged, 1, false))
          .isInstanceOf(MqttException.class);
    }
    try (FakeDevice mallory = new FakeDevice(server.mqttUrl(), "mallory", server.topics())) {
      mallory.client().setTimeToWait(1500);
      assertThatThrownBy(() -> mallory.client().publish(server.topics().topic("mallory", TopicKind.DESIRED), new byte[] {1}, 1, true))
          .isInstanceOf(MqttException.class);
    }
    try (FakeDevice mallory = new FakeDevice(server.mqttUrl(), "mallory", server.topics())) {
      mallory.report(Map.of("hw", "x"), 0, List.of());
      await().atMost(LONG).until(() -> api.get("/api/v1/devices/mallory").status() == 200);
    }
    assertThat(api.get("/api/v1/devices/victim").status()).isEqualTo(404);
  }

  @Test
  void aDeviceCanSubscribeOnlyToItsOwnDesiredStateAndChunks() throws Exception {
    try (FakeDevice eve = new FakeDevice(server.mqttUrl(), "eve", server.topics())) {
      MqttClient c = eve.client();
      for (String filter : List.of(server.topics().topic("alice", TopicKind.DESIRED), server.topics().allDevices(TopicKind.DESIRED),
          server.topics().topic("alice", TopicKind.BUNDLE_CHUNK), server.topics().deviceSubtree("eve"), "#",
          server.topics().topic("eve", TopicKind.TELEMETRY))) {
        assertThatThrownBy(() -> c.subscribe(filter, 1)).as(filter).isInstanceOf(MqttException.class);
      }
      c.subscribe(server.topics().topic("eve", TopicKind.DESIRED), 1);
      c.subscribe(server.topics().topic("eve", TopicKind.BUNDLE_CHUNK), 1);
    }
  }

  @Test
  void loginRules() throws Exception {
    assertRefused("dev-1", "dev-2", null);
    assertRefused("fleet-server-2", EmbeddedBroker.serverUsername(), "wrong password");
    assertRefused("fleet-server", EmbeddedBroker.serverUsername(), null);
    // The id of the server's transfer connection is the server's too: no device may hold it (refused for
    // its credentials, not only because the server's connection holds it now).
    long refusedLogins = server.broker().orElseThrow().refusedLogins();
    assertRefused("fleet-server-transfer", "fleet-server-transfer", null);
    // Greater, not one more: Paho's default version tries MQTT 3.1.1 and then 3.1.
    assertThat(server.broker().orElseThrow().refusedLogins()).isGreaterThan(refusedLogins);
    assertRefused("fleet-server-transfer", EmbeddedBroker.serverUsername(), "wrong password");
    assertThat(server.mqttConnected()).as("both of the server's connections are up").isTrue();
    assertRefused("bad id!", "bad id!", null);
    assertRefused("anon", null, null);

    MqttClient noPassword = new MqttClient(server.mqttUrl(), "dev-3", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setUserName("dev-3");
    assertThatThrownBy(() -> noPassword.connect(o)).as("a user name without a password field").isInstanceOf(MqttException.class);
    noPassword.close();
  }

  /** The attack that once kept the server off its own broker: anonymous and forged logins as the server. */
  @Test
  void nobodyTakesTheServersIdentityAndNoDeviceMessageIsLostMeanwhile() throws Exception {
    String serverId = "fleet-server";
    int events = 200;
    int restartsBefore = server.broker().orElseThrow().restarts();
    await().atMost(LONG).until(server::mqttConnected);
    double eventsBefore = TestServers.metric(api.get("/metrics").body(), "fleet_device_messages_total", "events");
    try (FakeDevice cam = new FakeDevice(server.mqttUrl(), "cam-steady", server.topics())) {
      Thread attacker = new Thread(() -> {
        for (int i = 0; i < 10; i++) {
          tryConnect(serverId, null, null);
          tryConnect(serverId, serverId, null);
          tryConnect(serverId, EmbeddedBroker.serverUsername(), "guess-" + i);
        }
      });
      attacker.start();
      for (int i = 0; i < events; i++) {
        cam.event("m", 1, DeviceEvent.Execution.DOWNLOAD, DeviceEvent.Result.SUCCESS, null);
      }
      attacker.join(Duration.ofSeconds(120).toMillis());
      assertThat(attacker.isAlive()).isFalse();
    }
    assertThat(server.mqttConnected()).isTrue();
    assertThat(api.get("/api/v1/health").status()).isEqualTo(200);
    await().atMost(LONG).until(() ->
        TestServers.metric(api.get("/metrics").body(), "fleet_device_messages_total", "events") >= eventsBefore + events);
    String metrics = api.get("/metrics").body();
    assertThat(TestServers.metric(metrics, "fleet_device_messages_total", "events")).isEqualTo(eventsBefore + events);
    assertThat(TestServers.metric(metrics, "fleet_broker_logins_refused", null)).isGreaterThanOrEqualTo(20);
    assertThat(server.broker().orElseThrow().restarts()).isEqualTo(restartsBefore);
  }

  @Test
  void aConnectedDeviceIdIsNotTakenOverAndIsFreeAgainOnceItsConnectionEnds() throws Exception {
    EmbeddedBroker broker = server.broker().orElseThrow();
    await().atMost(LONG).until(server::mqttConnected);
    long refusedBefore = broker.refusedTakeovers();
    int restartsBefore = broker.restarts();
    try (FakeDevice owner = new FakeDevice(server.mqttUrl(), "cam-owned", server.topics())) {
      assertRefused("cam-owned", "cam-owned", null);
      assertThat(broker.refusedTakeovers()).isGreaterThan(refusedBefore);
      assertThat(owner.client().isConnected()).isTrue();
      owner.report(Map.of("hw", "x"), 0, List.of());
      await().atMost(LONG).until(() -> api.get("/api/v1/devices/cam-owned").status() == 200);
    }
    // After a clean DISCONNECT the id is free at once.
    new FakeDevice(server.mqttUrl(), "cam-owned", server.topics()).close();

    // After a connection that just ends (no DISCONNECT: a crash or a cable pulled), it is free too.
    URI url = URI.create(server.mqttUrl());
    try (Socket raw = new Socket(url.getHost(), url.getPort())) {
      raw.getOutputStream().write(connect("cam-crashed"));
      assertThat(new DataInputStream(raw.getInputStream()).readNBytes(4)[3]).as("CONNACK return code").isZero();
    }
    await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> tryConnect("cam-crashed", "cam-crashed", null));
    assertThat(broker.restarts()).isEqualTo(restartsBefore);
  }

  /** Connects and disconnects at once; false when the broker refused the login. */
  private boolean tryConnect(String clientId, String username, String password) {
    try {
      MqttClient c = new MqttClient(server.mqttUrl(), clientId, new MemoryPersistence());
      MqttConnectOptions o = new MqttConnectOptions();
      if (username != null) {
        o.setUserName(username);
        o.setPassword((password == null ? "" : password).toCharArray());
      }
      try {
        c.connect(o);
        c.disconnect();
        return true;
      } catch (MqttException refused) {
        return false;
      } finally {
        c.close();
      }
    } catch (MqttException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Moquette 0.17 loses a session loop on a re-sent (DUP) QoS 1 publish; the broker heals itself. */
  @Test
  void aDuplicatePublishCannotLeaveTheBrokerDeaf() throws Exception {
    EmbeddedBroker broker = server.broker().orElseThrow();
    int restartsBefore = broker.restarts();
    URI url = URI.create(server.mqttUrl());
    try (Socket raw = new Socket(url.getHost(), url.getPort())) {
      OutputStream out = raw.getOutputStream();
      out.write(connect("dupper"));
      byte[] connack = new DataInputStream(raw.getInputStream()).readNBytes(4);
      assertThat(connack[3]).as("CONNACK return code").isZero();
      out.write(duplicatePublish(server.topics().topic("dupper", TopicKind.REPORTED), MessageCodec.encode(report("dupper"))));
      out.flush();
      await().atMost(LONG).until(() -> broker.restarts() > restartsBefore);
    }
    await().atMost(LONG).until(server::mqttConnected);
    try (FakeDevice after = new FakeDevice(server.mqttUrl(), "after-restart", server.topics())) {
      after.report(Map.of(), 0, List.of());
      await().atMost(LONG).until(() -> api.get("/api/v1/devices/after-restart").status() == 200);
    }
  }

  private void assertRefused(String clientId, String username, String password) throws MqttException {
    MqttClient c = new MqttClient(server.mqttUrl(), clientId, new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    if (username != null) {
      o.setUserName(username);
      o.setPassword((password == null ? "" : password).toCharArray());
    }
    assertThatThrownBy(() -> c.connect(o)).as(clientId + "/" + username).isInstanceOf(MqttException.class);
    c.close();
  }

  private static ReportedState report(String id) {
    return new ReportedState(MessageCodec.VERSION, id, "0.1.0", Map.of(), 0, List.of(), null, Instant.now());
  }

  private static byte[] connect(String clientId) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    string(body, "MQTT");
    body.write(4); // MQTT 3.1.1
    body.write(0xC2); // user name, password, clean session
    body.write(new byte[] {0, 60});
    string(body, clientId);
    string(body, clientId);
    string(body, ""); // devices' passwords are not checked until certificates
    return packet(0x10, body.toByteArray());
  }

  private static byte[] duplicatePublish(String topic, byte[] payload) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    string(body, topic);
    body.write(new byte[] {0, 7}); // packet id
    body.write(payload);
    return packet(0x30 | 0x08 | 0x02, body.toByteArray()); // PUBLISH, DUP, QoS 1
  }

  private static void string(ByteArrayOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b.length >> 8);
    out.write(b.length & 0xff);
    out.write(b);
  }

  private static byte[] packet(int header, byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(header);
    int len = body.length;
    do {
      int digit = len % 128;
      len /= 128;
      out.write(len > 0 ? digit | 0x80 : digit);
    } while (len > 0);
    out.write(body);
    return out.toByteArray();
  }
}
