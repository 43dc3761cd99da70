package org.edgefleet.server.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first admin token: written owner-only, never made again once tokens exist, never in the log. */
class AdminBootstrapTest {

  @TempDir Path dir;

  @Test
  void aNewServerWritesAnAdminTokenReadableByItsOwnerOnlyAndKeepsIt() throws Exception {
    Path data = dir.resolve("data");
    String first;
    try (FleetServer server = FleetServer.start(TestServers.config(data).build())) {
      assertThat(server.adminTokenFile()).isEqualTo(data.resolve("admin-token"));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.adminTokenFile()))).isEqualTo("rw-------");
      first = Api.adminToken(server);
      assertThat(TokenSecrets.wellFormed(first)).isTrue();
      assertThat(Api.admin(server).get("/api/v1/tokens").status()).isEqualTo(200);
    }
    try (FleetServer server = FleetServer.start(TestServers.config(data).build())) {
      assertThat(Api.adminToken(server)).isEqualTo(first);
      assertThat(Api.admin(server).get("/api/v1/tokens").json().path("tokens")).hasSize(1);
    }
    // Gone with tokens stored: not made again (revoke or rename is the admin's business, not a restart's).
    Files.delete(data.resolve("admin-token"));
    try (FleetServer server = FleetServer.start(TestServers.config(data).build())) {
      assertThat(server.adminTokenFile()).doesNotExist();
    }
  }

  @Test
  void aTokenWrittenIntoTheConfiguredFileBeforeTheFirstStartBecomesTheAdminToken() throws Exception {
    String known = TokenSecrets.generate();
    Path file = dir.resolve("secrets").resolve("fleet-admin");
    AdminBootstrap.writeOwnerOnly(file, known);
    try (FleetServer server = FleetServer.start(TestServers.config(dir.resolve("data")).set(Settings.ADMIN_TOKEN_FILE, file).build())) {
      assertThat(server.adminTokenFile()).isEqualTo(file);
      Api api = new Api(server.httpUrl(), known);
      assertThat(api.get("/api/v1/tokens").json().path("tokens").get(0).path("role").asText()).isEqualTo("admin");
      assertThat(api.withToken(TokenSecrets.generate()).get("/api/v1/tokens").status()).isEqualTo(401);
    }
  }

  @Test
  void aFileThatHoldsNoTokenStopsTheStartWithTheWayOut() throws Exception {
    Path file = dir.resolve("admin-token");
    Files.writeString(file, "password123\n");
    assertThatThrownBy(() -> FleetServer.start(TestServers.config(dir.resolve("data")).set(Settings.ADMIN_TOKEN_FILE, file).build()))
        .isInstanceOf(IOException.class).hasMessageContaining(file.toString()).hasMessageContaining("does not hold an API token");
  }

  @Test
  void noSecretReachesTheLog() throws Exception {
    // The server as it is run, in a JVM of its own logging at its default level (tests log warnings only).
    Path data = dir.resolve("data");
    Path log = dir.resolve("server.log");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), "org.edgefleet.server.Main", "--data-dir", data.toString(),
        "--http-port", Integer.toString(port), "--mqtt-port", "0").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    String bootstrap;
    String issued;
    try {
      Api anyone = new Api("http://127.0.0.1:" + port, null);
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
        if (!p.isAlive()) {
          throw new AssertionError("the server exited: " + Files.readString(log));
        }
        try {
          return anyone.get("/api/v1/health").status() == 200;
        } catch (UncheckedIOException notYet) {
          return false;
        }
      });
      bootstrap = Files.readString(data.resolve("admin-token")).trim();
      Api admin = anyone.withToken(bootstrap);
      issued = admin.postJson("/api/v1/tokens", "{\"name\":\"ci\",\"role\":\"operator\"}").json().path("secret").asText();
      admin.withToken(issued).get("/api/v1/devices");
      admin.withToken(issued + "x").get("/api/v1/devices");
      admin.withToken(issued).postJson("/api/v1/tokens", "{}");
      anyone.postJson("/api/v1/session", "{\"token\":\"" + issued + "\"}");
      anyone.postJson("/api/v1/session", "{\"token\":\"" + issued.substring(0, 20) + "\"}");
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
    String text = Files.readString(log);
    assertThat(text).contains("event=admin_token_created").contains(data.resolve("admin-token").toAbsolutePath().toString())
        .contains("event=fleet_server_started");
    assertThat(text).doesNotContain(bootstrap).doesNotContain(issued).doesNotContain(issued.substring(3, 23))
        .doesNotContain(TokenSecrets.hash(issued)).doesNotContain(TokenSecrets.hash(bootstrap));
  }
}
