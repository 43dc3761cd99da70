package org.edgefleet.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.access.TokenSecrets;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.MutableClock;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API tokens on the REST API: no, bad, expired and revoked tokens are 401; each role reaches its routes only. */
class AccessApiTest {

  private static final String COHORT = "{\"selector\":\"hw=rpi4\"}";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.now());
  private FleetServer server;
  private Api admin;

  @BeforeEach
  void start() throws Exception {
    server = FleetServer.start(TestServers.config(dir.resolve("data")).clock(clock).build());
    admin = Api.admin(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aRequestWithoutATokenIsRefusedWithABearerChallenge() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.httpUrl() + "/api/v1/devices"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(new Api.Response(r.statusCode(), r.body()).error()).isEqualTo("missing_token");
    // Changing requests too, and routes that do not exist: nothing is answered to no one.
    assertThat(admin.withToken(null).putJson("/api/v1/cohorts/c", COHORT).status()).isEqualTo(401);
    assertThat(admin.withToken(null).get("/api/v1/no-such-route").status()).isEqualTo(401);
    assertThat(admin.get("/api/v1/no-such-route").status()).isEqualTo(404);
    assertThat(admin.send("PATCH", "/api/v1/devices/cam-1", null, Map.of()).status()).isEqualTo(405);
  }

  @Test
  void unknownMalformedAndNonBearerCredentialsAreRefused() {
    assertThat(admin.withToken(TokenSecrets.generate()).get("/api/v1/devices").error()).isEqualTo("invalid_token");
    assertThat(admin.withToken("ef_short").get("/api/v1/devices").error()).isEqualTo("invalid_token");
    assertThat(admin.withToken("' OR 1=1 --").get("/api/v1/devices").error()).isEqualTo("invalid_token");
    Api.Response basic = admin.withToken(null).send("GET", "/api/v1/devices", null, Map.of("Authorization", "Basic YWRtaW46YWRtaW4="));
    assertThat(basic.status()).isEqualTo(401);
    assertThat(basic.error()).isEqualTo("bad_authorization");
    // A header far beyond any token is refused by the HTTP layer, not by a failure of the server.
    Api.Response huge = admin.withToken(null).send("GET", "/api/v1/devices", null, Map.of("Authorization", "Bearer " + "a".repeat(64 * 1024)));
    assertThat(huge.status()).isBetween(400, 499);
  }

  @Test
  void anExpiredTokenIsRefusedOnceItsTimeIsUp() {
    String secret = issue("short-lived", "viewer", 60L);
    Api viewer = admin.withToken(secret);
    assertThat(viewer.get("/api/v1/devices").status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(61));
    Api.Response r = viewer.get("/api/v1/devices");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.error()).isEqualTo("token_expired");
  }

  @Test
  void aRevokedTokenIsRefusedAndRevokingTwiceIsAConflict() {
    String secret = issue("ci", "operator", null);
    Api ci = admin.withToken(secret);
    assertThat(ci.putJson("/api/v1/cohorts/eu", COHORT).status()).isEqualTo(201);
    String id = tokenId("ci");
    Api.Response revoked = admin.postJson("/api/v1/tokens/" + id + "/revoke", "{}");
    assertThat(revoked.status()).isEqualTo(200);
    assertThat(revoked.json().path("revokedAt").asText()).isNotEmpty();
    Api.Response r = ci.get("/api/v1/cohorts");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.error()).isEqualTo("token_revoked");
    assertThat(admin.postJson("/api/v1/tokens/" + id + "/revoke", "{}").status()).isEqualTo(409);
    assertThat(admin.postJson("/api/v1/tokens/tok-000000000000/revoke", "{}").status()).isEqualTo(404);
  }

  @Test
  void eachRoleReachesTheRoutesOfItsLevelAndIsToldWhichRoleTheOthersNeed() {
    Api viewer = admin.withToken(issue("looker", "viewer", null));
    Api operator = admin.withToken(issue("deployer", "operator", null));

    assertThat(viewer.get("/api/v1/devices").status()).isEqualTo(200);
    assertThat(viewer.get("/metrics").status()).isEqualTo(200);
    Api.Response viewerChange = viewer.putJson("/api/v1/cohorts/eu", COHORT);
    assertThat(viewerChange.status()).isEqualTo(403);
    assertThat(viewerChange.error()).isEqualTo("insufficient_role");
    assertThat(viewerChange.json().path("message").asText()).contains("needs role operator").contains("'looker' has role viewer");

    assertThat(operator.putJson("/api/v1/cohorts/eu", COHORT).status()).isEqualTo(201);
    assertThat(operator.get("/api/v1/cohorts/eu").status()).isEqualTo(200);
    Api.Response operatorAdmin = operator.postJson("/api/v1/tokens", "{\"name\":\"mine\",\"role\":\"admin\"}");
    assertThat(operatorAdmin.status()).isEqualTo(403);
    assertThat(operatorAdmin.json().path("message").asText()).contains("needs role admin");
    assertThat(operator.postJson("/api/v1/enrollment-tokens", "{}").status()).isEqualTo(403);
    assertThat(operator.get("/api/v1/tokens").status()).isEqualTo(403);
    assertThat(operator.get("/api/v1/audit").status()).isEqualTo(403);

    assertThat(admin.postJson("/api/v1/enrollment-tokens", "{}").status()).isEqualTo(201);
    assertThat(admin.delete("/api/v1/cohorts/eu").status()).isEqualTo(204);
  }

  @Test
  void theOpenRoutesNeedNoToken() {
    Api anyone = admin.withToken(null);
    assertThat(anyone.get("/api/v1/health").status()).isEqualTo(200);
    assertThat(anyone.get("/api/v1/keys/server").status()).isEqualTo(200);
    assertThat(anyone.get("/api/v1/enrollment/ca").status()).isEqualTo(200);
    assertThat(anyone.get("/ui/").status()).isEqualTo(200);
    // A device's enrollment is judged by its enrollment token, not by an API token.
    Api.Response enroll = anyone.postJson("/api/v1/enroll", "{\"token\":\"eft_unknown\",\"csr\":\"x\"}");
    assertThat(enroll.status()).isIn(400, 403);
  }

  @Test
  void theTokenListShowsNoSecretAndASecretIsShownOnceWhenIssued() {
    Api.Response created = admin.postJson("/api/v1/tokens", "{\"name\":\"ci\",\"role\":\"operator\",\"validForSeconds\":3600}");
    assertThat(created.status()).isEqualTo(201);
    String secret = created.json().path("secret").asText();
    assertThat(TokenSecrets.wellFormed(secret)).isTrue();
    assertThat(created.json().path("token").has("hash")).isFalse();
    String listing = admin.get("/api/v1/tokens").body();
    assertThat(listing).contains("\"ci\"").contains("bootstrap-admin").doesNotContain(secret)
        .doesNotContain(TokenSecrets.hash(secret)).doesNotContain(Api.adminToken(server));
  }

  @Test
  void badTokenRequestsAreRefusedWithTheirReason() {
    assertThat(admin.postJson("/api/v1/tokens", "{\"name\":\"../etc\",\"role\":\"viewer\"}").error()).isEqualTo("bad_token_name");
    assertThat(admin.postJson("/api/v1/tokens", "{\"name\":\"x\",\"role\":\"root\"}").error()).isEqualTo("bad_role");
    assertThat(admin.postJson("/api/v1/tokens", "{\"name\":\"x\",\"role\":\"viewer\",\"validForSeconds\":0}").error())
        .isEqualTo("bad_validity");
    assertThat(admin.postJson("/api/v1/tokens", "{\"name\":\"x\",\"role\":\"viewer\",\"pad\":\"" + "a".repeat(64 * 1024) + "\"}")
        .status()).isEqualTo(413);
    assertThat(admin.postJson("/api/v1/tokens", "not json").status()).isEqualTo(400);
  }

  @Test
  void traversalAndInjectionInPathParametersAreAnsweredWithoutAFailure() {
    for (String path : new String[] {"/api/v1/tokens/..%2F..%2Fetc%2Fpasswd/revoke", "/api/v1/tokens/%27%20OR%201%3D1%20--/revoke",
        "/api/v1/tokens/..%5C..%5Cx/revoke"}) {
      assertThat(admin.postJson(path, "{}").status()).as(path).isIn(400, 404);
    }
    for (String path : new String[] {"/api/v1/cohorts/..%2F..%2Fetc%2Fpasswd", "/api/v1/devices/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/api/v1/rollouts/1%20OR%201=1", "/api/v1/ui/../../etc/passwd", "/ui/..%2F..%2Fopenapi.json", "/ui/../../../../etc/passwd"}) {
      assertThat(admin.get(path).status()).as(path).isIn(400, 404);
    }
    // A viewer cannot reach an admin route by dressing its path up.
    Api viewer = admin.withToken(issue("looker", "viewer", null));
    for (String path : new String[] {"/api/v1/devices/../tokens", "/api/v1/devices/x/../../tokens", "/api/v1/./tokens", "//api/v1/tokens"}) {
      assertThat(viewer.get(path).status()).as(path).isIn(400, 403, 404);
    }
  }

  private String issue(String name, String role, Long validForSeconds) {
    Api.Response r = admin.postJson("/api/v1/tokens", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\""
        + (validForSeconds == null ? "" : ",\"validForSeconds\":" + validForSeconds) + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().path("secret").asText();
  }

  private String tokenId(String name) {
    for (JsonNode t : admin.get("/api/v1/tokens").json().path("tokens")) {
      if (t.path("name").asText().equals(name)) {
        return t.path("id").asText();
      }
    }
    throw new AssertionError("no token " + name);
  }
}
