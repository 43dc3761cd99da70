package org.edgefleet.server.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.bundle.BundleWriter;
import org.edgefleet.protocol.bundle.FeatureStats;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.message.TelemetryBatch.DriftCounts;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.cohort.Selector;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.MutableClock;
import org.edgefleet.server.support.ReportFlood;
import org.edgefleet.server.support.TestBundles;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices send live histograms with telemetry; the server compares them with the manifest's
 * reference counts per feature and cohort, flags persistent drift for retraining, and refuses
 * hostile queries with a reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DriftApiTest {

  private static final Duration LONG = Duration.ofSeconds(30);
  static final List<Long> UNIFORM = List.of(250L, 250L, 250L, 250L);
  static final List<Long> SHIFTED = List.of(20L, 30L, 150L, 800L);

  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  private final MutableClock clock = new MutableClock(Instant.now());
  private FleetServer server;
  private Api api;
  private FakeDevice rpi;
  private FakeDevice jetson;
  private long seq;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = FleetServer.start(TestServers.config(dir.resolve("data")).clock(clock)
        .trustedPackagerKeys(List.of(TestServers.trustedKey(dir, packager))).build());
    api = Api.admin(server);
    ReportFlood.report(server.mqttUrl(), server.topics(), List.of("rpi-1", "jetson-1"),
        id -> Map.of("hw", id.substring(0, id.indexOf('-'))), id -> List.of());
    await().atMost(LONG).until(() -> api.get("/api/v1/devices/jetson-1").status() == 200);
    assertThat(api.upload(bundle(dir, packager)).status()).isEqualTo(201);
    rpi = new FakeDevice(server.mqttUrl(), "rpi-1", server.topics());
    jetson = new FakeDevice(server.mqttUrl(), "jetson-1", server.topics());
  }

  @AfterAll
  void stop() {
    rpi.close();
    jetson.close();
    server.close();
  }

  @Test
  void driftOnOneFeatureOfOneCohortIsAlertThereAndPersistentAlertFlagsRetraining() throws Exception {
    send(rpi, UNIFORM, SHIFTED);
    send(jetson, UNIFORM, UNIFORM);
    await().atMost(LONG).until(() -> report("").get("devicesReporting").asInt() == 2);

    JsonNode all = report("");
    assertThat(all.get("level").asText()).isEqualTo("ALERT");
    assertThat(feature(all, "a").get("level").asText()).isEqualTo("OK");
    assertThat(feature(all, "a").get("psi").asDouble()).isLessThan(DriftLevel.WARN_PSI);
    assertThat(feature(all, "b").get("level").asText()).isEqualTo("ALERT");
    assertThat(feature(all, "b").get("samples").asLong()).isEqualTo(2000);
    assertThat(feature(all, "b").get("ksBinned").asDouble()).isCloseTo(0.275, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(all.has("needsRetraining")).as("one burst, not yet persistent").isFalse();

    JsonNode jetsons = report("&selector=hw=jetson");
    assertThat(jetsons.get("level").asText()).isEqualTo("OK");
    assertThat(jetsons.get("devicesReporting").asInt()).isEqualTo(1);
    assertThat(server.drift().status("m", 1, Selector.parse("hw=jetson"), clock.instant().minus(Duration.ofHours(1))).join())
        .isEqualTo(DriftLevel.OK);
    assertThat(server.drift().status("m", 1, Selector.parse("hw=rpi"), clock.instant().minus(Duration.ofHours(1))).join())
        .isEqualTo(DriftLevel.ALERT);
    assertThat(TestServers.metric(api.get("/metrics").body(), "fleet_drift_psi", "features/b")).isGreaterThan(DriftLevel.ALERT_PSI);

    clock.advance(Duration.ofMinutes(40));
    send(rpi, UNIFORM, SHIFTED);
    await().atMost(LONG).until(() -> feature(report(""), "b").get("samples").asLong() == 3000);
    JsonNode persisted = report("");
    assertThat(persisted.get("needsRetraining").get("reason").asText()).contains("features/b").doesNotContain("features/a");
    JsonNode detail = api.get("/api/v1/models/m/versions/1").json();
    assertThat(detail.get("needsRetraining").get("since").asText()).isEqualTo(persisted.get("needsRetraining").get("since").asText());
  }

  @Test
  void histogramsOnOtherBinsOrOfUnknownFeaturesAreLeftOut() throws Exception {
    TelemetryBatch odd = new TelemetryBatch(MessageCodec.VERSION, "jetson-1", ++seq, clock.instant(), clock.instant(),
        List.of(), null, Map.of(), List.of(new DriftCounts("m", 2, "features", "a", List.of(1000L, 0L, 0L, 0L)),
            new DriftCounts("m", 1, "features", "zz", List.of(1000L, 0L, 0L, 0L))));
    jetson.publish(TopicKind.TELEMETRY, MessageCodec.encode(odd));
    assertThat(api.get("/api/v1/drift/models/m/versions/2").status()).isEqualTo(404);
    JsonNode r = report("");
    assertThat(r.get("features").findValuesAsText("feature")).containsExactly("a", "b");
  }

  @Test
  void hostileQueriesAreRefusedNamingTheParameter() {
    Map<String, String> says = new LinkedHashMap<>();
    says.put("?window=0s", "window must be from 1s to 30d");
    says.put("?window=31d", "window must be from 1s to 30d");
    says.put("?window=-1h", "is not a duration");
    says.put("?window=1fortnight", "is not a duration");
    says.put("?window=99999999999999999999d", "is not a duration");
    says.put("?window=" + "9".repeat(5000) + "d", "is not a duration");
    says.put("?selector=hw=", "selector 'hw='");
    says.put("?selector=hw%20like%20x", "at character 4");
    says.put("?selector=hw%20in%20(rpi3", "')' was expected");
    says.put("?selector=hw=%27%3B%20DROP%20TABLE%20devices", "selector 'hw=';");
    says.put("?window=1h&window=2h", "is given 2 times");
    says.put("?since=2026-01-01T00:00:00Z", "unknown query parameter 'since'");
    says.forEach((query, reason) -> {
      Api.Response r = api.get("/api/v1/drift/models/m/versions/1" + query);
      assertThat(r.status()).as(query).isIn(400, 414, 431);
      if (r.status() == 400 && r.json() != null && r.json().has("message")) {
        assertThat(r.json().get("message").asText()).as(query).contains(reason).doesNotContain("Exception", "java.");
      }
    });
    assertThat(api.get("/api/v1/drift/models/m/versions/1?selector=hw=").error()).isEqualTo("bad_selector");
    assertThat(api.get("/api/v1/drift/models/m/versions/abc").error()).isEqualTo("bad_version");
    assertThat(api.get("/api/v1/drift/models/m/versions/99").error()).isEqualTo("version_not_found");
    assertThat(api.get("/api/v1/drift/models/nope/versions/1").status()).isEqualTo(404);
  }

  private JsonNode report(String query) {
    Api.Response r = api.get("/api/v1/drift/models/m/versions/1?window=1h" + query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static JsonNode feature(JsonNode report, String name) {
    for (JsonNode f : report.get("features")) {
      if (f.get("feature").asText().equals(name)) {
        return f;
      }
    }
    throw new AssertionError("no feature " + name + " in " + report);
  }

  private void send(FakeDevice device, List<Long> a, List<Long> b) throws Exception {
    Instant now = clock.instant();
    TelemetryBatch batch = new TelemetryBatch(MessageCodec.VERSION, device.id(), ++seq, now.minusSeconds(10), now, List.of(),
        null, Map.of(), List.of(new DriftCounts("m", 1, "features", "a", a), new DriftCounts("m", 1, "features", "b", b)));
    device.publish(TopicKind.TELEMETRY, MessageCodec.encode(batch));
  }

  /** Model m version 1: one input "features" with features a and b, each binned on four bins with uniform reference counts. */
  static Path bundle(Path dir, SigningKey packager) throws Exception {
    Path model = dir.resolve("m.onnx");
    Files.write(model, TestBundles.modelBytes("m", 1, 1000));
    List<Double> edges = List.of(0.0, 1.0, 2.0, 3.0, 4.0);
    TensorSpec in = new TensorSpec("features", DType.FLOAT32, List.of(-1L, 2L), List.of("a", "b"), null);
    TensorSpec out = new TensorSpec("score", DType.FLOAT32, List.of(-1L, 1L));
    Instant now = Instant.now();
    Manifest m = new Manifest(Manifest.SCHEMA, "m", 1, ModelFormat.ONNX, "model.onnx",
        new Manifest.RuntimeRequirements("0.1.0", List.of("x86_64"), 13), List.of(in), List.of(out), null,
        List.of(new FeatureStats("features", "a", edges, UNIFORM), new FeatureStats("features", "b", edges, UNIFORM)),
        List.of(), List.of(BundleWriter.entryFor("model.onnx", model)), now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(30)), packager.keyId(), "drift test model");
    Path bundle = dir.resolve("m-1.bundle");
    BundleWriter.write(m, Map.of("model.onnx", model), packager, bundle);
    return bundle;
  }
}
