package org.edgefleet.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.PostgresCluster;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.TestServers;
import org.edgefleet.server.support.TlsDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Tokens and identities on PostgreSQL: a spent token stays spent and a revocation holds across a restart. */
@ExtendWith(PostgresCluster.class)
class PostgresIdentityTest {

  @TempDir Path dir;

  @Test
  void tokensAndIdentitiesLiveInPostgresqlAcrossARestart() throws Exception {
    DatabaseConfig database = PostgresCluster.newDatabase();
    ServerConfig config = TestServers.config(dir).set(Settings.DATABASE_URL, database.url())
        .set(Settings.DATABASE_USERNAME, database.username()).build();
    String token;
    TlsDevice d = new TlsDevice("pg-device");
    try (FleetServer server = FleetServer.start(config)) {
      Api api = Api.admin(server);
      token = EnrollmentApiTest.token(api, "{}");
      assertThat(EnrollmentApiTest.enroll(api, token, d.csr()).status()).isEqualTo(200);
      assertThat(EnrollmentApiTest.enroll(api, EnrollmentApiTest.token(api, "{\"needsApproval\": true}"),
          new TlsDevice("pg-waiting").csr()).status()).isEqualTo(202);
      assertThat(api.postJson("/api/v1/identities/pg-device/revoke", "{}").status()).isEqualTo(200);
    }
    try (FleetServer server = FleetServer.start(config)) {
      Api api = Api.admin(server);
      assertThat(EnrollmentApiTest.enroll(api, token, new TlsDevice("pg-other").csr()).error()).isEqualTo("token_used");
      assertThat(EnrollmentApiTest.enroll(api, EnrollmentApiTest.token(api, "{}"), d.csr()).error()).isEqualTo("device_revoked");
      assertThat(server.identity().revoked("pg-device")).isTrue();
      assertThat(api.get("/api/v1/identities?state=pending").body()).contains("pg-waiting").doesNotContain("pg-device");
    }
  }
}
