package org.edgefleet.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.bundle.FileEntry;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.ReportFlood;
import org.edgefleet.server.support.TestBundles;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Hostile values get a 4xx with a reason a user can act on, never a 500 or parser internals. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRequestTest {

  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  private Path dir;
  private FleetServer server;
  private Api api;

  @BeforeAll
  void start(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    server = FleetServer.start(TestServers.config(dir.resolve("data"))
        .trustedPackagerKeys(List.of(TestServers.trustedKey(dir, packager))).build());
    api = Api.admin(server);
    ReportFlood.report(server.mqttUrl(), server.topics(), List.of("cam-1"), id -> Map.of("hw", "rpi4"), id -> List.of());
    await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/devices/cam-1").status() == 200);
    assertThat(api.upload(TestBundles.write(dir.resolve("ok"), packager, "m", 1, 2000)).status()).isEqualTo(201);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void badRolloutBodiesAreRefusedNamingTheProblem() {
    Map<String, String> says = new LinkedHashMap<>();
    says.put("null", "the body is null");
    says.put("", "the body is empty");
    says.put("[]", "must be one JSON object");
    says.put("\"rollout\"", "must be one JSON object");
    says.put("{\"model\":", "not valid JSON (line 1");
    says.put("{\"model\":\"m\",\"version\":\"1\"}", "field 'version' must be an integer");
    says.put("{\"model\":\"m\",\"version\":1.9}", "field 'version' must be an integer");
    says.put("{\"model\":\"m\",\"version\":1.0}", "field 'version' must be an integer");
    says.put("{\"model\":\"m\",\"version\":true}", "field 'version' must be an integer");
    says.put("{\"model\":\"m\",\"version\":2147483648}", "out of range");
    says.put("{\"model\":[\"m\"],\"version\":1}", "field 'model' must be a string");
    says.put("{\"model\":\"m\",\"version\":1} {}", "must be one JSON object");
    says.forEach((body, reason) -> {
      Api.Response r = api.postJson("/api/v1/rollouts", body);
      assertClean(r, 400, "bad_request");
      assertThat(r.json().get("message").asText()).as(body).contains(reason).contains("send JSON like");
    });
    assertThat(api.get("/api/v1/rollouts?model=m").json().get("rollouts")).isEmpty();
    assertThat(api.postJson("/api/v1/rollouts", "{\"model\":\"m\",\"version\":1}").status()).isEqualTo(201);
  }

  @Test
  void sinceOutsideTheRepresentableRangeIsABadRequest() {
    for (String since : List.of("-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "yesterday", "2026-13-01T00:00:00Z")) {
      assertClean(api.get("/api/v1/metrics/models/m?since=" + since), 400, "bad_since");
    }
    assertThat(api.get("/api/v1/metrics/models/m?since=1969-07-20T20:17:00Z").status()).isEqualTo(200);
    assertClean(api.get("/api/v1/models/m/versions/99999999999"), 400, "bad_version");
    assertClean(api.get("/api/v1/rollouts/1e3"), 400, "bad_id");
  }

  @Test
  void versionsCannotJumpFarEnoughToUseUpTheCounter() throws Exception {
    assertClean(api.upload(TestBundles.write(dir.resolve("max"), packager, "counter", Integer.MAX_VALUE, 1000)), 409, "version_jump");
    assertClean(api.upload(TestBundles.write(dir.resolve("far"), packager, "counter", 1001, 1000)), 409, "version_jump");
    assertThat(api.upload(TestBundles.write(dir.resolve("first"), packager, "counter", 1000, 1000)).status()).isEqualTo(201);
    assertThat(api.upload(TestBundles.write(dir.resolve("next"), packager, "counter", 2000, 1000)).status()).isEqualTo(201);
    Api.Response jump = api.upload(TestBundles.write(dir.resolve("jump"), packager, "counter", 3001, 1000));
    assertClean(jump, 409, "version_jump");
    assertThat(jump.json().get("message").asText()).contains("v2001 to v3000", "--max-version-step");
  }

  @Test
  void manifestsDeclaringTooMuchAreRefusedBeforeAnythingIsInflated() throws Exception {
    byte[] model = TestBundles.modelBytes("hostile", 1, 1000);
    byte[] zeros = new byte[32 * 1024 * 1024];
    FileEntry pad = new FileEntry("pad.bin", TestBundles.entry("pad.bin", zeros).sha256(), Long.MAX_VALUE - 998);
    Instant now = Instant.now();
    Manifest overflowing = TestBundles.manifest(packager, "hostile", 1, List.of(TestBundles.entry("model.onnx", model), pad),
        now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    Map<String, byte[]> entries = new LinkedHashMap<>(Map.of("model.onnx", model));
    entries.put("pad.bin", zeros);
    Path bundle = TestBundles.writeRaw(dir.resolve("overflow.zip"), overflowing, packager, packager.keyId(), entries);
    assertThat(Files.size(bundle)).isLessThan(1024 * 1024);
    Api.Response r = api.upload(bundle);
    assertClean(r, 413, "too_large");
    assertThat(r.json().get("message").asText()).contains("declares more than");

    List<String> features = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      features.add("f" + i);
    }
    Manifest base = TestBundles.manifest(packager, "hostile", 1, List.of(TestBundles.entry("model.onnx", model)),
        now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    Manifest wide = new Manifest(base.schema(), base.name(), base.version(), base.format(), base.modelFile(), base.runtime(),
        List.of(new TensorSpec("features", DType.FLOAT32, List.of(-1L, 8L), features, null)), base.outputs(), null, List.of(),
        List.of(), base.files(), base.createdAt(), base.expiresAt(), base.keyId(), null);
    Path tooWide = TestBundles.writeRaw(dir.resolve("wide.zip"), wide, packager, packager.keyId(), Map.of("model.onnx", model));
    assertClean(api.upload(tooWide), 413, "too_large");
    assertThat(api.get("/api/v1/models/hostile/versions/1").status()).isEqualTo(404);
  }

  @Test
  void hostileCohortsLabelsActionsAndPlansAreRefusedNamingTheProblem() throws Exception {
    for (String name : List.of("UPPER", "-x", "x-", "a".repeat(64), "a%20b", "%27%3B", "a..%2F")) {
      assertClean(api.putJson("/api/v1/cohorts/" + name, "{\"selector\":\"hw=rpi4\"}"), 400, "bad_cohort_name");
    }
    assertClean(api.putJson("/api/v1/cohorts/pis", "{\"selector\":\"hw=rpi4' OR 1=1 --\"}"), 400, "bad_selector");
    assertClean(api.putJson("/api/v1/cohorts/pis", "{\"selector\":\"" + "(".repeat(5000) + "\"}"), 400, "bad_selector");
    assertClean(api.putJson("/api/v1/cohorts/pis", "{\"selector\":[\"hw\"]}"), 400, "bad_request");
    assertClean(api.putJson("/api/v1/cohorts/pis", "{}"), 400, "bad_request");
    assertThat(api.putJson("/api/v1/cohorts/pis", "{\"selector\":\"hw in (rpi4, rpi3)\"}").status()).isEqualTo(201);
    assertThat(api.putJson("/api/v1/cohorts/pis", "{\"selector\":\"hw in (rpi4, rpi3)\"}").status()).as("replayed").isEqualTo(200);
    assertThat(api.get("/api/v1/cohorts/pis").json().get("selector").asText()).isEqualTo("hw in (rpi4,rpi3)");
    assertThat(api.get("/api/v1/cohorts").json().get("cohorts")).hasSize(1);
    assertThat(api.delete("/api/v1/cohorts/pis").status()).isEqualTo(204);
    assertClean(api.delete("/api/v1/cohorts/pis"), 404, "cohort_not_found");

    assertClean(api.putJson("/api/v1/devices/nobody/labels", "{\"labels\":{\"a\":\"b\"}}"), 404, "device_not_found");
    assertClean(api.putJson("/api/v1/devices/cam-1/labels", "{\"labels\":{\"a b\":\"c\"}}"), 400, "bad_labels");
    assertClean(api.putJson("/api/v1/devices/cam-1/labels", "{\"labels\":{\"a\":null}}"), 400, "bad_labels");
    assertClean(api.putJson("/api/v1/devices/cam-1/labels", "{\"labels\":[\"a\"]}"), 400, "bad_request");
    StringBuilder many = new StringBuilder("{\"labels\":{\"k0\":\"v\"");
    for (int i = 1; i < 100; i++) {
      many.append(",\"k").append(i).append("\":\"v\"");
    }
    assertClean(api.putJson("/api/v1/devices/cam-1/labels", many + "}}"), 400, "bad_labels");
    assertThat(api.putJson("/api/v1/devices/cam-1/labels", "{\"labels\":{\"ring\":\"canary\"}}").json().get("labels")
        .get("ring").asText()).isEqualTo("canary");

    assertThat(api.upload(TestBundles.write(dir.resolve("h"), packager, "h", 1, 2000)).status()).isEqualTo(201);
    assertClean(api.postJson("/api/v1/rollouts", "{\"model\":\"h\",\"version\":1,\"strategy\":{\"kind\":\"canary\","
        + "\"stages\":\"lots\"}}"), 400, "bad_stages");
    assertClean(api.postJson("/api/v1/rollouts", "{\"model\":\"h\",\"version\":1,\"strategy\":{\"kind\":\"canary\","
        + "\"stages\":[{\"percent\":100,\"role\":\"shadow\"}]}}"), 400, "bad_stages");
    assertClean(api.postJson("/api/v1/rollouts", "{\"model\":\"h\",\"version\":1,\"strategy\":\"ab\"}"), 400, "bad_ab");
    assertClean(api.postJson("/api/v1/rollouts", "{\"model\":\"h\",\"version\":1,\"strategy\":{\"kind\":\"ab\","
        + "\"ab\":{\"share\":1e308,\"plannedPerArm\":9223372036854775807}}}"), 400, "bad_ab");
    assertClean(api.postJson("/api/v1/rollouts", "{\"model\":\"h\",\"version\":1,\"strategy\":{\"kind\":\"shadow\","
        + "\"shadow\":{\"promoteWhen\":\"always\"}}}"), 400, "bad_strategy");
    assertClean(api.postJson("/api/v1/rollouts", "{\"model\":\"h\",\"version\":1,\"strategy\":{\"kind\":\"blue-green\","
        + "\"blueGreen\":{\"switchAtPercent\":\"NaN\"}}}"), 400, "bad_blue_green");
    long id = api.postJson("/api/v1/rollouts", "{\"model\":\"h\",\"version\":1,\"selector\":\"ring=canary\","
        + "\"strategy\":\"canary\"}").json().get("id").asLong();
    assertClean(api.postJson("/api/v1/rollouts/999/pause", "{\"reason\":\"x\"}"), 404, "rollout_not_found");
    assertClean(api.postJson("/api/v1/rollouts/" + id + "/pause", "{\"reason\":\"" + "x".repeat(501) + "\"}"), 400, "bad_reason");
    assertClean(api.postJson("/api/v1/rollouts/" + id + "/pause", "{\"reason\":\"a\\u0000b\"}"), 400, "bad_reason");
    assertClean(api.postJson("/api/v1/rollouts/" + id + "/pause", "{\"reason\":"), 400, "bad_request");
    assertClean(api.postJson("/api/v1/rollouts/" + id + "/pause", "{\"reason\":\"  \"}"), 400, "reason_required");
    assertThat(api.postJson("/api/v1/rollouts/" + id + "/pause", "{\"reason\":\"night\"}").json().get("status").asText())
        .isEqualTo("PAUSED");
    assertClean(api.postJson("/api/v1/rollouts/" + id + "/pause", "{\"reason\":\"again\"}"), 409, "action_not_allowed");
    assertThat(api.postJson("/api/v1/rollouts/" + id + "/resume", "{\"reason\":\"morning\"}").json().get("status").asText())
        .isEqualTo("RUNNING");
    assertThat(api.postJson("/api/v1/rollouts/" + id + "/abort", "{\"reason\":\"enough\"}").json().get("status").asText())
        .isEqualTo("ABORTED");
    assertClean(api.postJson("/api/v1/rollouts/" + id + "/abort", "{\"reason\":\"replayed\"}"), 409, "action_not_allowed");
    assertClean(api.postJson("/api/v1/rollouts/" + id + "/rollback", "{\"reason\":\"x\"}"), 409, "action_not_allowed");
    assertThat(api.get("/api/v1/rollouts/" + id).json().get("history")).extracting(h -> h.get("event").asText())
        .containsExactly("created", "paused", "resumed", "aborted");
    assertThat(api.delete("/api/v1/rollouts/" + id).status()).as("DELETE is not an action").isEqualTo(405);
  }

  /** The status and code, and a message without exception names, class names or stack frames. */
  private static void assertClean(Api.Response r, int status, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.error()).as(r.body()).isEqualTo(code);
    assertThat(r.json().get("message").asText()).isNotBlank()
        .doesNotContain("Exception", "com.fasterxml", "java.", "org.edgefleet", "\tat ", "Cannot deserialize");
  }
}
