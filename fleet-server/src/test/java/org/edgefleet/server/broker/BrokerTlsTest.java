package org.edgefleet.server.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.identity.FleetCa;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.TestServers;
import org.edgefleet.server.support.TlsDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker's TLS listener: who gets in with which certificate, revocation, floods. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokerTlsTest {

  private static final Duration LONG = Duration.ofSeconds(60);

  private FleetServer server;
  private Api api;

  @BeforeAll
  void start(@TempDir Path dir) throws IOException {
    server = FleetServer.start(TestServers.config(dir).set(Settings.BROKER_TLS, true).build());
    api = Api.admin(server);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private TlsDevice enrolled(String id) throws IOException {
    return enrolled(api, id);
  }

  /** A device enrolled through the API, holding its certificate. */
  static TlsDevice enrolled(Api api, String id) throws IOException {
    String token = api.postJson("/api/v1/enrollment-tokens", "{}").json().get("token").asText();
    TlsDevice d = new TlsDevice(id);
    Api.Response r = api.postJson("/api/v1/enroll", "{\"token\": \"" + token + "\", \"csr\": \"" + d.csr().replace("\n", "\\n")
        + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    d.enrolled(r.json().get("certificate").asText(), r.json().get("caCertificate").asText());
    return d;
  }

  private void report(MqttClient c, String deviceId) throws MqttException {
    c.publish(server.topics().topic(deviceId, TopicKind.REPORTED),
        MessageCodec.encode(new ReportedState(MessageCodec.VERSION, deviceId, "0.1.0", java.util.Map.of(), 0, List.of(), null,
            java.time.Instant.now())), 1, true);
  }

  @Test
  void anEnrolledDeviceConnectsWithItsCertificateAndTheServerHearsIt() throws Exception {
    assertThat(server.mqttUrl()).startsWith("ssl://");
    TlsDevice d = enrolled("tls-ok");
    MqttClient c = d.connect(server.mqttUrl(), "tls-ok");
    try {
      report(c, "tls-ok");
      await().atMost(LONG).until(() -> api.get("/api/v1/devices/tls-ok").status() == 200);
    } finally {
      c.disconnect();
      c.close();
    }
  }

  @Test
  void aCertificateForDeviceAUsedWithClientIdBIsRefused() throws Exception {
    TlsDevice a = enrolled("tls-a");
    enrolled("tls-b");
    long before = server.broker().orElseThrow().refusedLogins();
    assertLoginRefused(() -> a.connect(server.mqttUrl(), "tls-b"));
    assertThat(server.broker().orElseThrow().refusedLogins()).isGreaterThan(before);
  }

  @Test
  void noCertificateAForeignCaAndTheServersNamesAreRefused() throws Exception {
    TlsDevice a = enrolled("tls-c");
    // No client certificate at all: the TLS handshake fails.
    assertThatThrownBy(() -> TlsDevice.connect(server.mqttUrl(), "tls-c", a.sockets(null, a.ca())))
        .isInstanceOf(MqttException.class);
    // A certificate for the same id and key from another CA.
    FleetCa other = FleetCa.loadOrCreate(Files.createTempDirectory("foreign-ca"), Duration.ofDays(10), Clock.systemUTC());
    assertThatThrownBy(() -> TlsDevice.connect(server.mqttUrl(), "tls-c",
        a.sockets(other.issueDevice("tls-c", a.key().getPublic(), Duration.ofDays(1)), a.ca()))).isInstanceOf(MqttException.class);
    // A valid certificate of a device that never enrolled with that key (signed by the CA itself, e.g. a leaked old one).
    TlsDevice stranger = new TlsDevice("tls-c");
    assertLoginRefused(() -> TlsDevice.connect(server.mqttUrl(), "tls-c",
        stranger.sockets(server.identity().ca().issueDevice("tls-c", stranger.key().getPublic(), Duration.ofDays(1)), a.ca())));
    // The device's own certificate cannot log in as the server.
    assertLoginRefused(() -> a.connect(server.mqttUrl(), "fleet-server"));
    // And with its own client id it gets in: the refusals above were for the names and keys.
    a.connect(server.mqttUrl(), "tls-c").disconnect();
  }

  @Test
  void revokingADeviceDisconnectsItAndKeepsItOut() throws Exception {
    TlsDevice d = enrolled("tls-revoked");
    MqttClient c = d.connect(server.mqttUrl(), "tls-revoked");
    try {
      assertThat(api.postJson("/api/v1/identities/tls-revoked/revoke", "{}").status()).isEqualTo(200);
      await().atMost(LONG).until(() -> !c.isConnected());
    } finally {
      c.close(true);
    }
    assertLoginRefused(() -> d.connect(server.mqttUrl(), "tls-revoked"));
  }

  // The TLS handshake passed and the broker refused the CONNECT (bad user name or password, or not authorized).
  private static void assertLoginRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable connect) {
    assertThatThrownBy(connect).isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode())
        .isIn((int) MqttException.REASON_CODE_FAILED_AUTHENTICATION, (int) MqttException.REASON_CODE_NOT_AUTHORIZED));
  }

  @Test
  void aConnectionFloodFromOneClientIdIsRefusedWhileTheConnectedDeviceKeepsWorking() throws Exception {
    TlsDevice d = enrolled("tls-flood");
    MqttClient owner = d.connect(server.mqttUrl(), "tls-flood");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> attempts = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        attempts.add(pool.submit(() -> {
          try {
            d.connect(server.mqttUrl(), "tls-flood").close(true);
            return true;
          } catch (MqttException refused) {
            return false;
          }
        }));
      }
      for (Future<Boolean> f : attempts) {
        assertThat(f.get(LONG.toSeconds(), TimeUnit.SECONDS)).as("a second connection with a connected client id").isFalse();
      }
      assertThat(owner.isConnected()).isTrue();
      report(owner, "tls-flood");
      await().atMost(LONG).until(() -> api.get("/api/v1/devices/tls-flood").status() == 200);
      assertThat(server.mqttConnected()).isTrue();
    } finally {
      pool.shutdownNow();
      owner.disconnect();
      owner.close();
    }
  }

  @Test
  void theHealthCheckAndMetricsReportTheCertificates() {
    Api.Response health = api.get("/api/v1/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().at("/certificates/ca/state").asText()).isEqualTo("OK");
    assertThat(health.json().at("/certificates/broker/secondsLeft").asLong()).isGreaterThan(Duration.ofDays(80).toSeconds());
    String metrics = api.get("/metrics").body();
    assertThat(TestServers.metric(metrics, "fleet_ca_expiry_seconds", null)).isGreaterThan(Duration.ofDays(3000).toSeconds());
    assertThat(TestServers.metric(metrics, "fleet_broker_certificate_expiry_seconds", null)).isGreaterThan(0);
    assertThat(new String(api.get("/api/v1/enrollment/ca").body().getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII))
        .startsWith("-----BEGIN CERTIFICATE-----");
  }
}
