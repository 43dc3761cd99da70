package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.linux.AgentDaemon;
import org.edgefleet.agent.linux.DaemonConfig;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.server.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Linux daemon with {@code "transport": "coap"} enrolls (key made on the device, token,
 * certificate from the fleet CA in dataDir/identity) and then runs over CoAP with DTLS, presenting
 * that certificate: it observes its desired state, fetches the bundle block by block, reports, and
 * is refused once revoked.
 */
class CoapCertificateEndToEndTest {

  @TempDir Path dir;

  @Test
  void anEnrolledAgentTakesARolloutOverDtlsWithItsCertificateUntilRevoked() throws Exception {
    try (FleetFixture fleet = FleetFixture.start(dir.resolve("fleet"), null, b -> b.set(Settings.COAP_PORT, 0)
        .set(Settings.COAP_CERTIFICATES, true).set(Settings.ROLLOUT_EVALUATE_INTERVAL, Duration.ofMillis(200)))) {
      String url = fleet.server.coap().orElseThrow().url();
      assertThat(url).startsWith("coaps://");
      fleet.upload(fleet.bundles.bundle(1));
      String token = fleet.api.post("/api/v1/enrollment-tokens", Map.of("uses", 1)).body().get("token").asText();
      Path file = EnrollmentEndToEndTest.writeConfig(dir, fleet, "coap-cert", token, "agent.json");
      ObjectNode json = (ObjectNode) Json.mapper().readTree(file.toFile());
      json.put("transport", "coap").put("coapServerUrl", url).put("coapObserveRefresh", "1s").put("coapAckTimeout", "300ms");
      Files.write(file, Json.writePretty(json));
      DaemonConfig config = DaemonConfig.read(file);
      AgentDaemon.enroll(config).close();

      try (EdgeAgent agent = AgentDaemon.start(config)) {
        await().atMost(FleetFixture.PATIENCE).until(agent::isConnected);
        fleet.awaitDevicesKnown(1);
        fleet.awaitFinished(fleet.rollout(SampleBundles.MODEL, 1, ""));
        await().atMost(FleetFixture.PATIENCE).until(() -> agent.activeVersion(SampleBundles.MODEL).orElse(0) == 1);

        assertThat(fleet.api.post("/api/v1/identities/coap-cert/revoke", Map.of()).status()).isEqualTo(200);
        // Its next observation refresh is refused (4.03 in its session): the agent counts as cut off.
        await().atMost(FleetFixture.PATIENCE).until(() -> !agent.isConnected());
        assertThat(fleet.server.coap().orElseThrow().refused("not_admitted")).isPositive();
      }
    }
  }
}
