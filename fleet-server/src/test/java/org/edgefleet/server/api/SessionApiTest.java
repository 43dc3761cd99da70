package org.edgefleet.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's login: a session cookie scripts cannot read, and a CSRF token on every change made with it. */
class SessionApiTest {

  private static final String COHORT = "{\"selector\":\"hw=rpi4\"}";

  @TempDir Path dir;
  private FleetServer server;
  private Api admin;
  private Api anonymous;

  @BeforeEach
  void start() throws Exception {
    server = FleetServer.start(TestServers.config(dir.resolve("data")).build());
    admin = Api.admin(server);
    anonymous = admin.withToken(null);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aLoginSetsAStrictHttpOnlyCookieAndHandsThePageItsCsrfToken() throws Exception {
    HttpResponse<String> login = login(Api.adminToken(server));
    assertThat(login.statusCode()).isEqualTo(201);
    List<String> cookies = login.headers().allValues("set-cookie");
    assertThat(cookies).hasSize(1);
    String cookie = cookies.get(0);
    assertThat(cookie).startsWith("edgefleet_session=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict")
        .contains("Path=/").contains("Max-Age=").doesNotContainIgnoringCase("Secure"); // plain HTTP here: a Secure cookie would never come back
    assertThat(login.headers().firstValue("cache-control")).hasValue("no-store");
    Api.Response body = new Api.Response(login.statusCode(), login.body());
    assertThat(body.json().path("csrfToken").asText()).hasSizeGreaterThan(30);
    assertThat(body.json().path("token").path("role").asText()).isEqualTo("admin");
    assertThat(login.body()).doesNotContain(Api.adminToken(server));
  }

  @Test
  void aChangeByCookieNeedsTheSessionsCsrfTokenAndABearerRequestNeedsNone() throws Exception {
    HttpResponse<String> login = login(Api.adminToken(server));
    String session = sessionCookie(login);
    String csrf = new Api.Response(201, login.body()).json().path("csrfToken").asText();

    assertThat(anonymous.send("GET", "/api/v1/devices", null, Map.of("Cookie", session)).status()).isEqualTo(200);
    Api.Response missing = anonymous.send("PUT", "/api/v1/cohorts/eu", COHORT.getBytes(), Map.of("Cookie", session,
        "Content-Type", "application/json"));
    assertThat(missing.status()).isEqualTo(403);
    assertThat(missing.error()).isEqualTo("csrf_token_missing");
    Api.Response wrong = anonymous.send("PUT", "/api/v1/cohorts/eu", COHORT.getBytes(), Map.of("Cookie", session,
        "Content-Type", "application/json", "X-CSRF-Token", csrf.substring(1) + "A"));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.error()).isEqualTo("csrf_token_invalid");
    assertThat(admin.get("/api/v1/cohorts/eu").status()).isEqualTo(404);
    assertThat(anonymous.send("PUT", "/api/v1/cohorts/eu", COHORT.getBytes(), Map.of("Cookie", session,
        "Content-Type", "application/json", "X-CSRF-Token", csrf)).status()).isEqualTo(201);
    assertThat(admin.putJson("/api/v1/cohorts/us", COHORT).status()).isEqualTo(201);

    // The page gets its CSRF token again after a reload.
    assertThat(anonymous.send("GET", "/api/v1/session", null, Map.of("Cookie", session)).json().path("csrfToken").asText())
        .isEqualTo(csrf);
    // The live-update stream works with the cookie alone.
    HttpResponse<java.io.InputStream> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(server.httpUrl() + "/api/v1/events/stream")).header("Cookie", session).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    stream.body().close();
  }

  @Test
  void aLogoutEndsTheSessionAndARevokedTokenEndsItsSessions() throws Exception {
    HttpResponse<String> login = login(Api.adminToken(server));
    String session = sessionCookie(login);
    String csrf = new Api.Response(201, login.body()).json().path("csrfToken").asText();
    Api.Response out = anonymous.send("DELETE", "/api/v1/session", null, Map.of("Cookie", session, "X-CSRF-Token", csrf));
    assertThat(out.status()).isEqualTo(204);
    Api.Response after = anonymous.send("GET", "/api/v1/devices", null, Map.of("Cookie", session));
    assertThat(after.status()).isEqualTo(401);
    assertThat(after.error()).isEqualTo("session_expired");

    String viewerSecret = admin.postJson("/api/v1/tokens", "{\"name\":\"v\",\"role\":\"viewer\"}").json().path("secret").asText();
    String viewerSession = sessionCookie(login(viewerSecret));
    assertThat(anonymous.send("GET", "/api/v1/devices", null, Map.of("Cookie", viewerSession)).status()).isEqualTo(200);
    String id = admin.get("/api/v1/session").json().path("token").path("id").asText();
    assertThat(id).isNotEmpty();
    for (var t : admin.get("/api/v1/tokens").json().path("tokens")) {
      if (t.path("name").asText().equals("v")) {
        assertThat(admin.postJson("/api/v1/tokens/" + t.path("id").asText() + "/revoke", "{}").status()).isEqualTo(200);
      }
    }
    assertThat(anonymous.send("GET", "/api/v1/devices", null, Map.of("Cookie", viewerSession)).error()).isEqualTo("token_revoked");
  }

  @Test
  void aLoginWithABadTokenOrBodyIsRefusedAndSetsNoCookie() throws Exception {
    HttpResponse<String> bad = login("ef_" + "A".repeat(43));
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.headers().allValues("set-cookie")).isEmpty();
    assertThat(anonymous.postJson("/api/v1/session", "{\"token\": [\"ef_\"]}").status()).isEqualTo(400);
    assertThat(anonymous.postJson("/api/v1/session", "not json").status()).isEqualTo(400);
    assertThat(anonymous.postJson("/api/v1/session", "{\"token\":\"" + "a".repeat(100_000) + "\"}").status()).isEqualTo(413);
    // A forged cookie is no session.
    assertThat(anonymous.send("GET", "/api/v1/devices", null, Map.of("Cookie", "edgefleet_session=forged")).error())
        .isEqualTo("session_expired");
    // A login page of another site cannot log the browser in (login CSRF).
    assertThat(anonymous.send("POST", "/api/v1/session", ("{\"token\":\"" + Api.adminToken(server) + "\"}").getBytes(),
        Map.of("Content-Type", "application/json", "Origin", "http://evil.example")).error()).isEqualTo("cross_origin");
  }

  private HttpResponse<String> login(String token) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.httpUrl() + "/api/v1/session"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String sessionCookie(HttpResponse<String> login) {
    String c = login.headers().firstValue("set-cookie").orElseThrow(() -> new AssertionError("no cookie: " + login.body()));
    return c.substring(0, c.indexOf(';'));
  }
}
