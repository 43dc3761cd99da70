package org.edgefleet.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.ReportFlood;
import org.edgefleet.server.support.TestBundles;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a web page on another site could make a developer's browser send: every variant is refused
 * with a reason, and nothing is created or deleted. The server's own pages and an allowed origin pass.
 */
class CrossSiteRequestTest {

  private static final String EVIL = "http://evil.example";
  private static final String ALLOWED = "https://console.example.com";
  private static final byte[] ROLLOUT = "{\"model\":\"m\",\"version\":1}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  private FleetServer server;
  private Api api;
  private Path bundle;

  @BeforeEach
  void start() throws Exception {
    server = FleetServer.start(TestServers.config(dir.resolve("data"))
        .trustedPackagerKeys(List.of(TestServers.trustedKey(dir, packager)))
        .set(Settings.ALLOWED_ORIGINS, List.of(ALLOWED)).build());
    api = Api.admin(server);
    ReportFlood.report(server.mqttUrl(), server.topics(), List.of("cam-1"), id -> Map.of("hw", "rpi4"), id -> List.of());
    await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/devices/cam-1").status() == 200);
    bundle = TestBundles.write(dir.resolve("b"), packager, "m", 1, 4000);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aRolloutFromAnotherSiteIsRefusedWhateverItLooksLike() {
    assertThat(api.upload(bundle).status()).isEqualTo(201);
    // The tester's request: a simple cross-site POST a form or fetch() can send without asking.
    assertRefused(post("/api/v1/rollouts", ROLLOUT, Map.of("Content-Type", "text/plain", "Origin", EVIL)), 403, "cross_origin");
    // The same without an Origin (an old browser): the body type alone gives it away.
    assertRefused(post("/api/v1/rollouts", ROLLOUT, Map.of("Content-Type", "text/plain")), 415, "unsupported_media_type");
    assertRefused(post("/api/v1/rollouts", ROLLOUT, Map.of("Content-Type", "application/x-www-form-urlencoded")), 415,
        "unsupported_media_type");
    assertRefused(post("/api/v1/rollouts", ROLLOUT, Map.of("Content-Type", "multipart/form-data; boundary=x")), 415,
        "unsupported_media_type");
    assertRefused(post("/api/v1/rollouts", ROLLOUT, Map.of()), 415, "unsupported_media_type");
    // JSON from a foreign page (were a preflight ever granted), by Origin, by Referer, or from a sandbox.
    assertRefused(post("/api/v1/rollouts", ROLLOUT, Map.of("Content-Type", "application/json", "Origin", EVIL)), 403, "cross_origin");
    assertRefused(post("/api/v1/rollouts", ROLLOUT, Map.of("Content-Type", "application/json", "Referer", EVIL + "/cat.html")), 403,
        "cross_origin");
    assertRefused(post("/api/v1/rollouts", ROLLOUT, Map.of("Content-Type", "application/json", "Origin", "null")), 403, "cross_origin");
    // A look-alike of the server's own origin on another port or scheme is another origin.
    String own = server.httpUrl();
    assertRefused(post("/api/v1/rollouts", ROLLOUT, Map.of("Content-Type", "application/json", "Origin",
        own.substring(0, own.lastIndexOf(':')) + ":1")), 403, "cross_origin");
    assertRefused(post("/api/v1/rollouts", ROLLOUT, Map.of("Content-Type", "application/json", "Origin",
        own.replace("http://", "https://"))), 403, "cross_origin");

    assertThat(api.get("/api/v1/rollouts").json().get("rollouts")).isEmpty();

    // The server's own pages, an allowed origin and clients that send no Origin (curl, scripts) pass.
    assertCreatedThenAbort(post("/api/v1/rollouts", ROLLOUT, Map.of("Content-Type", "application/json; charset=utf-8",
        "Origin", own)));
    assertCreatedThenAbort(post("/api/v1/rollouts", ROLLOUT, Map.of("Content-Type", "application/json", "Referer", own + "/ui/")));
    assertCreatedThenAbort(post("/api/v1/rollouts", ROLLOUT, Map.of("Content-Type", "application/json", "Origin", ALLOWED)));
    assertCreatedThenAbort(api.postJson("/api/v1/rollouts", new String(ROLLOUT, StandardCharsets.UTF_8)));
    assertThat(api.get("/api/v1/rollouts").json().get("rollouts")).hasSize(4);
  }

  // One active rollout per model and device: each passes the guard, then steps aside for the next.
  private void assertCreatedThenAbort(Api.Response created) {
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    Api.Response aborted = api.postJson("/api/v1/rollouts/" + created.json().get("id").asLong() + "/abort",
        "{\"reason\":\"next\"}");
    assertThat(aborted.status()).as(aborted.body()).isEqualTo(200);
  }

  @Test
  void bundleUploadsAndDeletesFromAnotherSiteAreRefused() throws Exception {
    byte[] body = Files.readAllBytes(bundle);
    assertRefused(post("/api/v1/bundles", body, Map.of("Content-Type", "application/octet-stream", "Origin", EVIL)), 403,
        "cross_origin");
    assertRefused(post("/api/v1/bundles", body, Map.of("Content-Type", "text/plain")), 415, "unsupported_media_type");
    assertRefused(post("/api/v1/bundles", body, Map.of("Content-Type", "multipart/form-data; boundary=x")), 415,
        "unsupported_media_type");
    assertRefused(post("/api/v1/bundles", body, Map.of("Content-Type", "application/json")), 415, "unsupported_media_type");
    assertThat(api.get("/api/v1/models").json().get("models")).isEmpty();
    assertThat(Files.list(dir.resolve("data").resolve("tmp"))).isEmpty();

    assertThat(api.upload(bundle).status()).isEqualTo(201);
    assertRefused(api.send("DELETE", "/api/v1/models/m/versions/1", null, Map.of("Origin", EVIL)), 403, "cross_origin");
    assertRefused(api.send("DELETE", "/api/v1/models/m/versions/1", "x".getBytes(StandardCharsets.UTF_8),
        Map.of("Content-Type", "text/plain")), 415, "unsupported_media_type");
    assertThat(api.get("/api/v1/models/m/versions/1").status()).isEqualTo(200);
    assertThat(api.send("DELETE", "/api/v1/models/m/versions/1", null, Map.of("Origin", server.httpUrl())).status()).isEqualTo(204);
  }

  @Test
  void readingFromAnotherSiteIsNotRefused() {
    // Reads change nothing, and without CORS headers the page cannot read the answer anyway.
    assertThat(api.send("GET", "/api/v1/health", null, Map.of("Origin", EVIL)).status()).isEqualTo(200);
  }

  private Api.Response post(String path, byte[] body, Map<String, String> headers) {
    return api.send("POST", path, body, headers);
  }

  private static void assertRefused(Api.Response r, int status, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.error()).isEqualTo(code);
    assertThat(r.json().get("message").asText()).isNotBlank();
  }
}
