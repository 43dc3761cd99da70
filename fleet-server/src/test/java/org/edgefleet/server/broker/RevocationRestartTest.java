package org.edgefleet.server.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.TestServers;
import org.edgefleet.server.support.TlsDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A revoked device stays out after a restart, without a revocation list: its certificate is still
 * valid and chains to the fleet CA, and the broker refuses it because the database says revoked.
 */
class RevocationRestartTest {

  @TempDir Path dir;

  @Test
  void aRevokedDeviceIsRefusedByTheBrokerAfterARestartWhileAnotherGetsIn() throws Exception {
    ServerConfig config = TestServers.config(dir).set(Settings.BROKER_TLS, true).build();
    TlsDevice revoked;
    TlsDevice kept;
    try (FleetServer server = FleetServer.start(config)) {
      Api api = Api.admin(server);
      revoked = BrokerTlsTest.enrolled(api, "rr-revoked");
      kept = BrokerTlsTest.enrolled(api, "rr-kept");
      revoked.connect(server.mqttUrl(), "rr-revoked").disconnect();
      assertThat(api.postJson("/api/v1/identities/rr-revoked/revoke", "{}").status()).isEqualTo(200);
    }
    try (FleetServer server = FleetServer.start(config)) {
      // The same certificate, still within its validity and signed by the same CA.
      assertThat(revoked.certificate().getNotAfter()).isInTheFuture();
      assertThatThrownBy(() -> revoked.connect(server.mqttUrl(), "rr-revoked")).isInstanceOfSatisfying(MqttException.class,
          e -> assertThat(e.getReasonCode()).isIn((int) MqttException.REASON_CODE_FAILED_AUTHENTICATION,
              (int) MqttException.REASON_CODE_NOT_AUTHORIZED));
      kept.connect(server.mqttUrl(), "rr-kept").disconnect();
      assertThat(Api.admin(server).get("/api/v1/identities?state=revoked").body()).contains("rr-revoked")
          .doesNotContain("rr-kept");
    }
  }
}
