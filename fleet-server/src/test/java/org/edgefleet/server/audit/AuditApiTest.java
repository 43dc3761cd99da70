package org.edgefleet.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every changing request lands once in the audit log, refused ones too, and the log filters and pages. */
class AuditApiTest {

  private static final String COHORT = "{\"selector\":\"hw=rpi4\"}";

  @TempDir Path dir;
  private FleetServer server;
  private Api admin;
  private Api ci;
  private Api viewer;

  @BeforeEach
  void start() throws Exception {
    server = FleetServer.start(TestServers.config(dir.resolve("data")).build());
    admin = Api.admin(server);
    ci = admin.withToken(admin.postJson("/api/v1/tokens", "{\"name\":\"ci\",\"role\":\"operator\"}").json().path("secret").asText());
    viewer = admin.withToken(admin.postJson("/api/v1/tokens", "{\"name\":\"looker\",\"role\":\"viewer\"}").json().path("secret").asText());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anAllowedAndARefusedChangeAreEachRecordedOnceWithWhoWhatAndHowItEnded() {
    assertThat(ci.putJson("/api/v1/cohorts/eu", COHORT).status()).isEqualTo(201);
    assertThat(viewer.putJson("/api/v1/cohorts/us", COHORT).status()).isEqualTo(403);
    assertThat(admin.withToken(null).postJson("/api/v1/rollouts/7/pause", "{}").status()).isEqualTo(401);
    ci.get("/api/v1/cohorts/eu"); // reads are not changes: not recorded

    List<JsonNode> entries = entries("");
    JsonNode allowed = only(entries, "token:ci");
    assertThat(allowed.path("role").asText()).isEqualTo("operator");
    assertThat(allowed.path("method").asText()).isEqualTo("PUT");
    assertThat(allowed.path("route").asText()).isEqualTo("PUT /api/v1/cohorts/:name");
    assertThat(allowed.path("target").asText()).isEqualTo("name=eu");
    assertThat(allowed.path("status").asInt()).isEqualTo(201);
    assertThat(allowed.has("error")).isFalse();
    assertThat(allowed.path("tokenId").asText()).startsWith("tok-");

    JsonNode refused = only(entries, "token:looker");
    assertThat(refused.path("status").asInt()).isEqualTo(403);
    assertThat(refused.path("error").asText()).isEqualTo("insufficient_role");
    assertThat(refused.path("target").asText()).isEqualTo("name=us");

    JsonNode anonymous = only(entries, "anonymous");
    assertThat(anonymous.path("status").asInt()).isEqualTo(401);
    assertThat(anonymous.path("error").asText()).isEqualTo("missing_token");
    assertThat(anonymous.path("route").asText()).isEqualTo("POST /api/v1/rollouts/:id/:action");
    assertThat(anonymous.path("target").asText()).isEqualTo("id=7 action=pause");
    assertThat(entries).noneMatch(e -> e.path("method").asText().equals("GET"));
    // The two tokens the test began with, by the bootstrap admin.
    assertThat(entries.stream().filter(e -> e.path("actor").asText().equals("token:bootstrap-admin")
        && e.path("route").asText().equals("POST /api/v1/tokens"))).hasSize(2);
  }

  @Test
  void noSecretOfABodyReachesTheLog() {
    String secret = admin.postJson("/api/v1/tokens", "{\"name\":\"third\",\"role\":\"viewer\"}").json().path("secret").asText();
    assertThat(admin.postJson("/api/v1/session", "{\"token\":\"" + secret + "\"}").status()).isEqualTo(201);
    String enrollment = admin.postJson("/api/v1/enrollment-tokens", "{}").json().path("token").asText();
    admin.withToken(null).postJson("/api/v1/enroll", "{\"token\":\"" + enrollment + "\",\"csr\":\"not a csr\"}");
    String log = admin.get("/api/v1/audit").body();
    assertThat(log).contains("POST /api/v1/session").contains("token:third").contains("\"enrollment\"")
        .doesNotContain(secret).doesNotContain(enrollment).doesNotContain(Api.adminToken(server));
  }

  @Test
  void theLogFiltersByActorAndTimeAndPagesNewestFirst() {
    Instant before = Instant.now().minusSeconds(1);
    for (String name : new String[] {"a", "b", "c"}) {
      assertThat(ci.putJson("/api/v1/cohorts/" + name, COHORT).status()).isEqualTo(201);
    }
    List<JsonNode> mine = entries("actor=token:ci");
    assertThat(mine).extracting(e -> e.path("target").asText()).containsExactly("name=c", "name=b", "name=a");

    Api.Response first = admin.get("/api/v1/audit?actor=token:ci&limit=2");
    assertThat(first.json().path("entries")).hasSize(2);
    String next = first.json().path("next").asText();
    Api.Response second = admin.get("/api/v1/audit?actor=token:ci&limit=2&cursor=" + next);
    assertThat(second.json().path("entries")).hasSize(1);
    assertThat(second.json().path("entries").get(0).path("target").asText()).isEqualTo("name=a");
    assertThat(second.json().has("next")).isFalse();

    assertThat(entries("actor=token:ci&since=" + before)).hasSize(3);
    assertThat(entries("actor=token:ci&until=" + before)).isEmpty();
    assertThat(entries("since=" + Instant.now().plusSeconds(3600))).isEmpty();
  }

  @Test
  void hostileFiltersAreAnsweredWithAReasonNeverAFailure() {
    ci.putJson("/api/v1/cohorts/a", COHORT);
    assertThat(entries("actor=" + enc("' OR '1'='1"))).isEmpty();
    assertThat(entries("actor=" + enc("token:ci' --"))).isEmpty();
    assertThat(entries("actor=" + enc("token:ci"))).hasSize(1);
    assertThat(admin.get("/api/v1/audit?since=" + enc("2020-01-01T00:00:00Z' OR 1=1")).error()).isEqualTo("bad_since");
    assertThat(admin.get("/api/v1/audit?until=yesterday").error()).isEqualTo("bad_until");
    assertThat(admin.get("/api/v1/audit?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z").error()).isEqualTo("bad_range");
    assertThat(admin.get("/api/v1/audit?limit=" + enc("1; DROP TABLE audit_log")).error()).isEqualTo("bad_limit");
    assertThat(admin.get("/api/v1/audit?cursor=" + enc("../../etc/passwd")).error()).isEqualTo("bad_cursor");
    assertThat(admin.get("/api/v1/audit?actor=" + "a".repeat(300)).error()).isEqualTo("bad_actor");
    assertThat(admin.get("/api/v1/audit?actor=a&actor=b").error()).isEqualTo("repeated_parameter");
    assertThat(admin.get("/api/v1/audit?where=1").error()).isEqualTo("unknown_parameter");
    assertThat(entries("actor=token:ci")).hasSize(1);
  }

  private List<JsonNode> entries(String query) {
    Api.Response r = admin.get("/api/v1/audit" + (query.isEmpty() ? "" : "?" + query));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.json().path("entries").forEach(out::add);
    return out;
  }

  private static JsonNode only(List<JsonNode> entries, String actor) {
    List<JsonNode> of = entries.stream().filter(e -> e.path("actor").asText().equals(actor)).toList();
    assertThat(of).as(actor + " in " + entries).hasSize(1);
    return of.get(0);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
