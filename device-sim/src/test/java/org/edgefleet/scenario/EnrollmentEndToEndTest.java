package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.linux.AgentDaemon;
import org.edgefleet.agent.linux.DaemonConfig;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.server.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real agent (the Linux daemon's config, the MQTT transport, the agent core) enrolls with a
 * one-time token, connects to the embedded broker over TLS with the certificate it got, installs a
 * rollout's model over that connection, renews its certificate by itself, and is cut off when an
 * operator revokes it.
 */
class EnrollmentEndToEndTest {

  @TempDir Path dir;

  @Test
  void anAgentEnrollsConnectsOverTlsRenewsAndIsKeptOutOnceRevoked() throws Exception {
    // Short device certificates, so the agent renews within the test (at most every 10 s).
    try (FleetFixture fleet = FleetFixture.start(dir.resolve("fleet"), null, b -> b.set(Settings.BROKER_TLS, true)
        .set(Settings.DEVICE_CERTIFICATE_VALIDITY, Duration.ofSeconds(20)))) {
      assertThat(fleet.server.mqttUrl()).startsWith("ssl://");
      fleet.upload(fleet.bundles.bundle(1));
      String token = fleet.api.post("/api/v1/enrollment-tokens", Map.of("uses", 1)).body().get("token").asText();
      DaemonConfig config = DaemonConfig.read(writeConfig(dir, fleet, "tls-daemon", token, "agent.json"));

      try (AutoCloseable renewal = AgentDaemon.enroll(config); EdgeAgent agent = AgentDaemon.start(config)) {
        Path identity = dir.resolve("agent-data-tls-daemon/identity");
        assertThat(Files.getPosixFilePermissions(identity.resolve("device-key.pem")))
            .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        X509Certificate first = certificate(identity.resolve("device.pem"));
        BigInteger firstSerial = first.getSerialNumber();
        await().atMost(FleetFixture.PATIENCE).until(agent::isConnected);
        fleet.awaitDevicesKnown(1);

        fleet.rollout(SampleBundles.MODEL, 1, "");
        await().atMost(FleetFixture.PATIENCE).until(() -> agent.activeVersion(SampleBundles.MODEL).orElse(0) == 1);

        await().atMost(FleetFixture.PATIENCE).until(() -> !certificate(identity.resolve("device.pem")).getSerialNumber()
            .equals(firstSerial));
        assertThat(identity(fleet, "tls-daemon").get("serial").asText())
            .isEqualTo(certificate(identity.resolve("device.pem")).getSerialNumber().toString(16));
        // Cut off and back once the first certificate has expired: the transport reconnects with the
        // renewed one it reads from the file (the broker's PKIX check refuses an expired certificate).
        await().atMost(FleetFixture.PATIENCE).until(() -> java.time.Instant.now().isAfter(first.getNotAfter().toInstant()));
        fleet.server.broker().orElseThrow().stop();
        await().atMost(FleetFixture.PATIENCE).until(() -> !agent.isConnected());
        fleet.server.broker().orElseThrow().start();
        await().atMost(FleetFixture.PATIENCE).until(agent::isConnected);

        long refusedBefore = fleet.server.broker().orElseThrow().refusedLogins();
        assertThat(fleet.api.post("/api/v1/identities/tls-daemon/revoke", Map.of()).status()).isEqualTo(200);
        await().atMost(FleetFixture.PATIENCE).until(() -> !agent.isConnected());
        // It keeps trying with its certificate, and the broker keeps refusing it.
        await().atMost(FleetFixture.PATIENCE).until(() -> fleet.server.broker().orElseThrow().refusedLogins() > refusedBefore);
        assertThat(agent.isConnected()).isFalse();
      }

      // The one-time token is spent: a second device cannot enroll with it.
      DaemonConfig second = DaemonConfig.read(writeConfig(dir, fleet, "tls-second", token, "second.json"));
      assertThatThrownBy(() -> AgentDaemon.enroll(second)).isInstanceOf(IOException.class).hasMessageContaining("token_used");
    }
  }

  private static JsonNode identity(FleetFixture fleet, String id) throws Exception {
    for (JsonNode i : fleet.api.getJson("/api/v1/identities").get("identities")) {
      if (i.get("deviceId").asText().equals(id)) {
        return i;
      }
    }
    throw new AssertionError("no identity " + id);
  }

  private static X509Certificate certificate(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  /** A daemon config file in {@code dir} that enrolls {@code deviceId} with {@code token} and connects to the fleet's broker. */
  static Path writeConfig(Path dir, FleetFixture fleet, String deviceId, String token, String name) throws Exception {
    Path keys = Files.createDirectories(dir.resolve("agent-keys"));
    KeyFiles.writePublic(keys.resolve("server.pub.json"), fleet.server.serverKey());
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("deviceId", deviceId);
    c.put("brokerUrl", fleet.server.mqttUrl());
    c.put("enrollUrl", fleet.server.httpUrl());
    c.put("enrollToken", token);
    c.put("dataDir", "agent-data-" + deviceId);
    c.put("trustKeys", List.of(fleet.dir.resolve("keys/packager.pub.json").toString(), "agent-keys/server.pub.json"));
    c.put("telemetryInterval", "300ms");
    c.put("reconnectBase", "100ms");
    c.put("reconnectMax", "1s");
    return Files.write(dir.resolve(name), Json.writePretty(c));
  }
}
