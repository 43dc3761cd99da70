package org.edgefleet.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.PostgresCluster;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.MutableClock;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dashboard sessions kept in the database: one survives a restart and works on a second instance,
 * logging out ends it everywhere, an expired one is refused, and only hashes are stored.
 */
@ExtendWith(PostgresCluster.class)
class StoredSessionsTest {

  private static final String COHORT = "{\"selector\":\"hw=rpi4\"}";

  @TempDir Path dir;

  @Test
  void aSessionSurvivesARestartWithItsCsrfTokenAndOnlyItsHashIsStored() throws Exception {
    ServerConfig config = TestServers.config(dir.resolve("data")).build();
    String cookie;
    String csrf;
    try (FleetServer server = FleetServer.start(config)) {
      Login login = login(server, Api.adminToken(server));
      cookie = login.cookie;
      csrf = login.response.json().path("csrfToken").asText();
    }
    try (FleetServer server = FleetServer.start(config)) {
      Api anonymous = new Api(server.httpUrl(), null);
      Api.Response who = anonymous.send("GET", "/api/v1/session", null, Map.of("Cookie", cookie));
      assertThat(who.status()).isEqualTo(200);
      assertThat(who.json().path("csrfToken").asText()).isEqualTo(csrf);
      assertThat(anonymous.send("PUT", "/api/v1/cohorts/eu", COHORT.getBytes(), Map.of("Cookie", cookie,
          "Content-Type", "application/json", "X-CSRF-Token", csrf)).status()).isEqualTo(201);
    }
    String id = cookie.substring(cookie.indexOf('=') + 1);
    try (Database db = Database.open(DatabaseConfig.sqlite(dir.resolve("data").resolve("fleet.db")))) {
      List<String> stored = db.read(tx -> tx.query("SELECT id_hash FROM dashboard_sessions", rs -> rs.getString(1))).join();
      assertThat(stored).containsExactly(TokenSecrets.hash(id)).doesNotContain(id, csrf);
    }
  }

  @Test
  void aSecondInstanceHonoursTheSessionAndALogoutOnOneEndsItOnBoth() throws Exception {
    DatabaseConfig database = PostgresCluster.newDatabase();
    ServerConfig.Builder one = TestServers.config(dir.resolve("one")).set(Settings.DATABASE_URL, database.url())
        .set(Settings.DATABASE_USERNAME, database.username());
    try (FleetServer first = FleetServer.start(one.build())) {
      try (FleetServer second = FleetServer.start(TestServers.config(dir.resolve("two")).set(Settings.DATABASE_URL, database.url())
          .set(Settings.DATABASE_USERNAME, database.username()).build())) {
        Login login = login(first, Api.adminToken(first));
        String csrf = login.response.json().path("csrfToken").asText();
        Api onSecond = new Api(second.httpUrl(), null);
        assertThat(onSecond.send("GET", "/api/v1/devices", null, Map.of("Cookie", login.cookie)).status()).isEqualTo(200);
        assertThat(onSecond.send("DELETE", "/api/v1/session", null, Map.of("Cookie", login.cookie, "X-CSRF-Token", csrf)).status())
            .isEqualTo(204);
        Api.Response after = new Api(first.httpUrl(), null).send("GET", "/api/v1/devices", null, Map.of("Cookie", login.cookie));
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.error()).isEqualTo("session_expired");
      }
    }
  }

  @Test
  void anExpiredSessionIsRefusedAfterARestartToo() throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    ServerConfig config = TestServers.config(dir.resolve("data")).set(Settings.SESSION_DURATION, Duration.ofMinutes(30))
        .clock(clock).build();
    String cookie;
    try (FleetServer server = FleetServer.start(config)) {
      cookie = login(server, Api.adminToken(server)).cookie;
      clock.advance(Duration.ofMinutes(29));
      assertThat(new Api(server.httpUrl(), null).send("GET", "/api/v1/devices", null, Map.of("Cookie", cookie)).status())
          .isEqualTo(200);
    }
    clock.advance(Duration.ofMinutes(2));
    try (FleetServer server = FleetServer.start(config)) {
      Api.Response late = new Api(server.httpUrl(), null).send("GET", "/api/v1/devices", null, Map.of("Cookie", cookie));
      assertThat(late.status()).isEqualTo(401);
      assertThat(late.error()).isEqualTo("session_expired");
    }
  }

  @Test
  void theTableKeepsAtMostItsLimitAndEndedSessionsGoFirst() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    try (Database db = Database.open(DatabaseConfig.sqlite(dir.resolve("fleet.db")))) {
      Sessions sessions = new Sessions(db, SqlTokenStore::new, Duration.ofHours(1), 3, clock);
      ApiToken token = new ApiToken("tok-1", "t", Role.VIEWER, TokenSecrets.hash(TokenSecrets.generate()), clock.instant(), null, null);
      Session oldest = sessions.open(token).join();
      clock.advance(Duration.ofMinutes(1));
      Session second = sessions.open(token).join();
      Session third = sessions.open(token).join();
      Session fourth = sessions.open(token).join();
      assertThat(sessions.find(oldest.id()).join()).isEmpty();
      assertThat(List.of(second, third, fourth)).allSatisfy(s -> assertThat(sessions.find(s.id()).join()).isPresent());
      clock.advance(Duration.ofHours(1));
      assertThat(sessions.find(fourth.id()).join()).isEmpty();
      sessions.open(token).join();
      assertThat(db.read(tx -> tx.number("SELECT COUNT(*) FROM dashboard_sessions", -1)).join()).isEqualTo(1);
      // Cookie values of the wrong form are never looked up.
      assertThat(sessions.find("x".repeat(10_000)).join()).isEmpty();
      assertThat(sessions.find("' OR 1=1 --").join()).isEmpty();
    }
  }

  private record Login(Api.Response response, String cookie) {}

  private static Login login(FleetServer server, String token) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.httpUrl() + "/api/v1/session"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(201);
    String c = r.headers().firstValue("set-cookie").orElseThrow();
    return new Login(new Api.Response(r.statusCode(), r.body()), c.substring(0, c.indexOf(';')));
  }
}
