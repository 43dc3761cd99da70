package org.edgefleet.server.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.TestBundles;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A desired state must fit one MQTT packet, chunk hashes included. */
class DesiredSizeTest {

  @TempDir Path dir;

  @Test
  void aRolloutWhoseDesiredStateCannotFitThePacketLimitIsRefusedBeforeAnythingChanges() throws Exception {
    SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
    try (FleetServer server = FleetServer.start(TestServers.config(dir.resolve("data"))
        .trustedPackagerKeys(List.of(TestServers.trustedKey(dir, packager))).maxPacketSize(16 * 1024).chunkSize(1024).build());
         FakeDevice device = new FakeDevice(server.mqttUrl(), "tiny", server.topics())) {
      Api api = Api.admin(server);
      device.report(Map.of(), 0, List.of());
      await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/devices/tiny").status() == 200);
      // 300 chunk hashes of 64 hex digits do not fit 16 KiB.
      assertThat(api.upload(TestBundles.write(dir.resolve("b"), packager, "wide", 1, 300 * 1024)).status()).isEqualTo(201);

      Api.Response r = api.postJson("/api/v1/rollouts", "{\"model\":\"wide\",\"version\":1}");
      assertThat(r.status()).isEqualTo(422);
      assertThat(r.error()).isEqualTo("desired_too_large");
      assertThat(r.json().get("message").asText()).contains("--max-packet-size");
      assertThat(api.get("/api/v1/rollouts").json().get("rollouts")).isEmpty();
      assertThat(api.get("/api/v1/devices/tiny").json().get("desired").get("revision").asLong()).isZero();
    }
  }
}
