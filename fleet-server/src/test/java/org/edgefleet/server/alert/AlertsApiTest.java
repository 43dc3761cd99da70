package org.edgefleet.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.edgefleet.protocol.bundle.BundleWriter;
import org.edgefleet.protocol.bundle.FeatureStats;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.LatencyHistograms;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.message.TelemetryBatch.DriftCounts;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.Settings;
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
 * Alert rules on latency, drift and device resources, evaluated by the lease holder on the server's clock, delivered
 * to a real HTTP receiver on loopback that fails every delivery twice before it accepts it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertsApiTest {

  private static final Duration LONG = Duration.ofSeconds(60);
  private static final List<Long> UNIFORM = List.of(250L, 250L, 250L, 250L);
  private static final List<Long> SHIFTED = List.of(20L, 30L, 150L, 800L);

  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  private final MutableClock clock = new MutableClock(Instant.now());
  // Attempts per delivery id, and the bodies answered 200 (in order).
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final List<JsonNode> accepted = Collections.synchronizedList(new ArrayList<>());
  private HttpServer receiver;
  private FleetServer server;
  private Api api;
  private FakeDevice rpi;
  private long seq;
  private long inferences;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        JsonNode body = Json.mapper().readTree(in.readAllBytes());
        int attempt = attempts.computeIfAbsent(body.get("deliveryId").asText(), k -> new AtomicInteger()).incrementAndGet();
        int status = attempt <= 2 ? 500 : 200;
        if (status == 200) {
          accepted.add(body);
        }
        exchange.sendResponseHeaders(status, -1);
      } catch (IOException | RuntimeException e) {
        exchange.sendResponseHeaders(400, -1);
      } finally {
        exchange.close();
      }
    });
    receiver.start();
    String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    server = FleetServer.start(TestServers.config(dir.resolve("data")).clock(clock)
        .trustedPackagerKeys(List.of(TestServers.trustedKey(dir, packager)))
        .set(Settings.ALERT_EVALUATE_INTERVAL, Duration.ofMillis(200)).set(Settings.ALERT_WEBHOOKS, List.of(hook))
        .set(Settings.ALERT_RETRY_BASE, Duration.ofMillis(50)).set(Settings.ALERT_RETRY_MAX, Duration.ofMillis(200)).build());
    api = Api.admin(server);
    ReportFlood.report(server.mqttUrl(), server.topics(), List.of("rpi-1", "jetson-1"),
        id -> Map.of("hw", id.substring(0, id.indexOf('-'))), id -> List.of());
    await().atMost(LONG).until(() -> api.get("/api/v1/devices/jetson-1").status() == 200);
    assertThat(api.upload(bundle(dir)).status()).isEqualTo(201);
    rpi = new FakeDevice(server.mqttUrl(), "rpi-1", server.topics());
  }

  @AfterAll
  void stop() {
    rpi.close();
    server.close();
    receiver.stop(0);
  }

  /** p95 above 50 ms for 2 minutes fires once, is delivered once after two failures, and resolves when latency stops. */
  @Test
  void latencyAboveThresholdForTheDurationFiresIsDeliveredOnceAndResolves() throws Exception {
    Api.Response created = api.putJson("/api/v1/alert-rules/slow-m", "{\"metric\": \"latency_p95_ms\", \"model\": \"m\", "
        + "\"cohort\": \"hw=rpi\", \"threshold\": 50, \"for\": \"2m\", \"window\": \"1m\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("for").asText()).isEqualTo("2m");

    // Every clock step is shorter than the window, and each comes after a batch is stored, so the condition never lapses.
    sendLatency(80);
    await().atMost(LONG).until(() -> alerts("pending", "slow-m").size() == 1);
    for (int step = 0; step < 3; step++) {
      clock.advance(Duration.ofSeconds(45));
      sendLatency(80);
      assertThat(alerts("firing", "slow-m")).as("fires only after 2 minutes").hasSizeLessThanOrEqualTo(step == 2 ? 1 : 0);
    }
    await().atMost(LONG).until(() -> alerts("firing", "slow-m").size() == 1);
    JsonNode firing = alerts("firing", "slow-m").get(0);
    assertThat(firing.get("model").asText()).isEqualTo("m");
    assertThat(firing.get("version").asInt()).isEqualTo(1);
    assertThat(firing.get("cohort").asText()).isEqualTo("hw=rpi");
    assertThat(firing.get("value").asDouble()).isBetween(79.0, 81.0);
    assertThat(Duration.between(Instant.parse(firing.get("pendingSince").asText()), Instant.parse(firing.get("firingSince").asText())))
        .isGreaterThanOrEqualTo(Duration.ofMinutes(2));
    assertThat(firing.get("summary").asText()).contains("latency_p95_ms", "model m version 1", "cohort hw=rpi", "above 50.0", "since");

    String firingId = firing.get("id").asText() + "-firing";
    await().atMost(LONG).until(() -> accepted(firingId) == 1);
    JsonNode delivered = accepted.stream().filter(b -> b.get("deliveryId").asText().equals(firingId)).findFirst().orElseThrow();
    assertThat(delivered.get("event").asText()).isEqualTo("FIRING");
    assertThat(delivered.get("alert").get("firingSince").asText()).isEqualTo(firing.get("firingSince").asText());

    // No more latency: the window empties and the alert resolves, delivered like the firing.
    clock.advance(Duration.ofMinutes(2));
    String resolvedId = firing.get("id").asText() + "-resolved";
    await().atMost(LONG).until(() -> accepted(resolvedId) == 1);
    assertThat(alerts("resolved", "slow-m")).hasSize(1);
    assertThat(alerts("firing", "slow-m")).isEmpty();
    assertThat(attempts.get(firingId).get()).as("two failures, then the one accepted delivery").isEqualTo(3);
    assertThat(accepted(firingId)).isEqualTo(1);
    assertThat(attempts.get(resolvedId).get()).isEqualTo(3);
    assertThat(TestServers.metric(api.get("/metrics").body(), "fleet_alerts_deliveries_total", "delivered")).isGreaterThanOrEqualTo(2);
  }

  /** PSI above 0.25 on one cohort fires at once (no duration), and names the cohort. */
  @Test
  void driftAboveThresholdFires() throws Exception {
    assertThat(api.putJson("/api/v1/alert-rules/drift-m", "{\"metric\": \"drift_psi\", \"model\": \"m\", \"version\": 1, "
        + "\"cohort\": \"hw=rpi\", \"threshold\": 0.25, \"window\": \"5m\"}").status()).isEqualTo(201);
    Instant now = clock.instant();
    TelemetryBatch batch = new TelemetryBatch(MessageCodec.VERSION, rpi.id(), ++seq, now.minusSeconds(10), now, List.of(), null,
        Map.of(), List.of(new DriftCounts("m", 1, "features", "a", UNIFORM), new DriftCounts("m", 1, "features", "b", SHIFTED)));
    rpi.publish(TopicKind.TELEMETRY, MessageCodec.encode(batch));
    await().atMost(LONG).until(() -> alerts("firing", "drift-m").size() == 1);
    JsonNode a = alerts("firing", "drift-m").get(0);
    assertThat(a.get("metric").asText()).isEqualTo("drift_psi");
    assertThat(a.get("value").asDouble()).isGreaterThan(0.25);
    await().atMost(LONG).until(() -> accepted(a.get("id").asText() + "-firing") == 1);
  }

  /**
   * CPU load and temperature of the jetson that runs the version: a rule above each fires from its
   * stored telemetry and is delivered; a rule above what any device reported stays quiet.
   */
  @Test
  void cpuLoadAndTemperatureAboveThresholdFireFromTheDevicesTelemetry() throws Exception {
    for (String rule : List.of("hot-jetson:temperature_c:70", "busy-jetson:cpu_load:2.5", "overloaded-jetson:cpu_load:8")) {
      String[] r = rule.split(":");
      assertThat(api.putJson("/api/v1/alert-rules/" + r[0], "{\"metric\": \"" + r[1] + "\", \"model\": \"m\", \"version\": 1, "
          + "\"cohort\": \"hw=jetson\", \"threshold\": " + r[2] + ", \"window\": \"5m\"}").status()).as(rule).isEqualTo(201);
    }
    try (FakeDevice jetson = new FakeDevice(server.mqttUrl(), "jetson-1", server.topics())) {
      Instant now = clock.instant();
      // No inferences, so the latency test's counts stay as they are; the row still says the jetson runs version 1.
      TelemetryBatch batch = new TelemetryBatch(MessageCodec.VERSION, jetson.id(), 1, now.minusSeconds(10), now,
          List.of(new TelemetryBatch.ModelMetrics("m", 1, 0, 0, null)),
          new TelemetryBatch.ResourceUsage(3.25, 200_000_000L, 50_000_000L, 81.5), Map.of());
      jetson.publish(TopicKind.TELEMETRY, MessageCodec.encode(batch));
      await().atMost(LONG).until(() -> alerts("firing", "hot-jetson").size() == 1 && alerts("firing", "busy-jetson").size() == 1);
    }
    JsonNode hot = alerts("firing", "hot-jetson").get(0);
    assertThat(hot.get("metric").asText()).isEqualTo("temperature_c");
    assertThat(hot.get("value").asDouble()).isEqualTo(81.5);
    assertThat(hot.get("summary").asText()).contains("temperature_c", "cohort hw=jetson", "above 70.0");
    JsonNode busy = alerts("firing", "busy-jetson").get(0);
    assertThat(busy.get("metric").asText()).isEqualTo("cpu_load");
    assertThat(busy.get("value").asDouble()).isEqualTo(3.25);
    await().atMost(LONG).until(() -> accepted(hot.get("id").asText() + "-firing") == 1 && accepted(busy.get("id").asText() + "-firing") == 1);
    assertThat(alerts("firing", "overloaded-jetson")).isEmpty();
    assertThat(alerts("pending", "overloaded-jetson")).isEmpty();
    for (String rule : List.of("hot-jetson", "busy-jetson", "overloaded-jetson")) {
      assertThat(api.delete("/api/v1/alert-rules/" + rule).status()).isEqualTo(204);
    }
  }

  /**
   * Invalid outputs and shadow disagreement above their thresholds fire from the stored telemetry
   * (of another model, so the latency test's counts stay as they are); a rule above what was
   * reported, and one on a version that reported no shadow comparison, stay quiet.
   */
  @Test
  void invalidOutputsAndShadowDisagreementAboveThresholdFire() throws Exception {
    for (String rule : List.of("nan-outputs:invalid_output_rate:1:0.05", "shadow-disagrees:shadow_disagreement:2:0.2",
        "shadow-very-different:shadow_disagreement:2:0.5", "no-shadow:shadow_disagreement:1:0")) {
      String[] r = rule.split(":");
      assertThat(api.putJson("/api/v1/alert-rules/" + r[0], "{\"metric\": \"" + r[1] + "\", \"model\": \"roles\", \"version\": "
          + r[2] + ", \"threshold\": " + r[3] + ", \"window\": \"5m\"}").status()).as(rule).isEqualTo(201);
    }
    try (FakeDevice jetson = new FakeDevice(server.mqttUrl(), "jetson-1", server.topics())) {
      Instant now = clock.instant();
      // Version 1 serves with 8 of 100 outputs invalid; version 2 runs as its shadow and agrees on 140 of 200 (30 % disagree).
      TelemetryBatch batch = new TelemetryBatch(MessageCodec.VERSION, jetson.id(), 100, now.minusSeconds(10), now, List.of(
          new TelemetryBatch.ModelMetrics("roles", 1, 100, 0, null, null, null, 8L),
          new TelemetryBatch.ModelMetrics("roles", 2, 200, 0, null,
              new TelemetryBatch.ShadowComparison(1, 0, 200, 140, Map.of("score", 0.25)), null, 0L)), null, Map.of());
      jetson.publish(TopicKind.TELEMETRY, MessageCodec.encode(batch));
      await().atMost(LONG).until(() -> alerts("firing", "nan-outputs").size() == 1 && alerts("firing", "shadow-disagrees").size() == 1);
    }
    JsonNode nan = alerts("firing", "nan-outputs").get(0);
    assertThat(nan.get("metric").asText()).isEqualTo("invalid_output_rate");
    assertThat(nan.get("value").asDouble()).isEqualTo(0.08);
    JsonNode disagrees = alerts("firing", "shadow-disagrees").get(0);
    assertThat(disagrees.get("value").asDouble()).isCloseTo(0.3, within(1e-9));
    assertThat(disagrees.get("summary").asText()).contains("shadow_disagreement", "roles", "above 0.2");
    await().atMost(LONG).until(() -> accepted(nan.get("id").asText() + "-firing") == 1);
    assertThat(alerts("firing", "shadow-very-different")).isEmpty();
    assertThat(alerts("pending", "no-shadow")).isEmpty();
    assertThat(alerts("firing", "no-shadow")).isEmpty();
    for (String rule : List.of("nan-outputs", "shadow-disagrees", "shadow-very-different", "no-shadow")) {
      assertThat(api.delete("/api/v1/alert-rules/" + rule).status()).isEqualTo(204);
    }
  }

  @Test
  void rulesAreCreatedReadListedReplacedAndDeleted() {
    String body = "{\"metric\": \"error_rate\", \"model\": \"m\", \"threshold\": 0.05, \"for\": \"30s\"}";
    assertThat(api.putJson("/api/v1/alert-rules/errors-m", body).status()).isEqualTo(201);
    assertThat(api.putJson("/api/v1/alert-rules/errors-m", body.replace("0.05", "0.1")).status()).as("replayed: replaced").isEqualTo(200);
    JsonNode one = api.get("/api/v1/alert-rules/errors-m").json();
    assertThat(one.get("threshold").asDouble()).isEqualTo(0.1);
    assertThat(one.get("cohort").asText()).isEmpty();
    assertThat(one.get("window").asText()).isEqualTo("1m");
    assertThat(one.get("for").asText()).isEqualTo("30s");
    assertThat(api.get("/api/v1/alert-rules?limit=1000").json().get("rules").findValuesAsText("name")).contains("errors-m");
    assertThat(api.delete("/api/v1/alert-rules/errors-m").status()).isEqualTo(204);
    assertThat(api.delete("/api/v1/alert-rules/errors-m").error()).isEqualTo("alert_rule_not_found");
    assertThat(api.get("/api/v1/alert-rules/errors-m").status()).isEqualTo(404);
  }

  @Test
  void hostileRulesAndQueriesAreRefusedNamingTheField() {
    Map<String, String> says = new LinkedHashMap<>();
    says.put("", "the body is empty");
    says.put("[]", "must be one JSON object");
    says.put("{\"metric\": \"latency_p95_ms\", \"model\": \"m\"", "not valid JSON");
    says.put("{\"metric\": \"cpu_temperature\", \"model\": \"m\", \"threshold\": 1}", "metric 'cpu_temperature' is unknown: use one of");
    says.put("{\"model\": \"m\", \"threshold\": 1}", "metric is missing");
    says.put("{\"metric\": \"error_rate\", \"model\": \"m\"}", "needs \"threshold\"");
    says.put("{\"metric\": \"error_rate\", \"model\": \"m\", \"threshold\": 2}", "threshold of error_rate must be a number from 0 to 1,");
    says.put("{\"metric\": \"cpu_load\", \"model\": \"m\", \"threshold\": 2000}", "threshold of cpu_load must be a number from 0 to 1024,");
    says.put("{\"metric\": \"cpu_load\", \"model\": \"m\", \"threshold\": -0.5}", "threshold of cpu_load must be a number from 0");
    says.put("{\"metric\": \"cpu_load\", \"model\": \"m\", \"threshold\": \"high\"}", "threshold");
    says.put("{\"metric\": \"temperature_c\", \"model\": \"m\", \"threshold\": -300}",
        "threshold of temperature_c must be a number from -273.15 to 1000,");
    says.put("{\"metric\": \"temperature_c\", \"model\": \"m\", \"threshold\": 1e6}", "from -273.15 to 1000");
    says.put("{\"metric\": \"temperature_c\", \"model\": \"m\"}", "needs \"threshold\"");
    says.put("{\"metric\": \"error_rate\", \"model\": \"m\", \"threshold\": -1}", "from 0");
    says.put("{\"metric\": \"error_rate\", \"model\": \"m\", \"threshold\": \"NaN\"}", "threshold of error_rate must be a number from 0");
    says.put("{\"metric\": \"error_rate\", \"model\": \"m\", \"threshold\": 1e999}", "threshold");
    says.put("{\"metric\": \"error_rate\", \"model\": \"m\", \"threshold\": 0.1, \"version\": 0}", "version must be at least 1");
    says.put("{\"metric\": \"error_rate\", \"model\": \"m\", \"threshold\": 0.1, \"version\": 99999999999}", "field 'version'");
    says.put("{\"metric\": \"error_rate\", \"model\": \"m\", \"threshold\": 0.1, \"for\": \"-1m\"}", "for:");
    says.put("{\"metric\": \"error_rate\", \"model\": \"m\", \"threshold\": 0.1, \"for\": \"2d\"}", "for must be from 0s to 1d");
    says.put("{\"metric\": \"error_rate\", \"model\": \"m\", \"threshold\": 0.1, \"window\": \"1s\"}", "window must be from 10s");
    says.put("{\"metric\": \"error_rate\", \"model\": \"m'; DROP TABLE alert_rules; --\", \"threshold\": 0.1}", "model 'm'; DROP");
    says.put("{\"metric\": \"error_rate\", \"model\": \"m\", \"threshold\": 0.1, \"cohort\": \"hw='; DROP TABLE devices\"}", "selector");
    says.put("{\"metric\": \"error_rate\", \"model\": \"m\", \"threshold\": 0.1, \"cohort\": \"hw in (rpi\"}", "')' was expected");
    says.put("{\"metric\": \"error_rate\", \"model\": \"" + "m".repeat(500) + "\", \"threshold\": 0.1}", "must be 1 to 128");
    says.forEach((json, reason) -> {
      Api.Response r = api.putJson("/api/v1/alert-rules/hostile", json);
      assertThat(r.status()).as(json).isEqualTo(400);
      assertThat(r.json().get("message").asText()).as(json).contains(reason).doesNotContain("Exception", "java.");
    });
    String huge = "{\"metric\": \"error_rate\", \"model\": \"m\", \"threshold\": 0.1, \"cohort\": \"" + "a".repeat(20_000) + "\"}";
    assertThat(api.putJson("/api/v1/alert-rules/hostile", huge).status()).isEqualTo(413);
    assertThat(api.putJson("/api/v1/alert-rules/Bad%20Name", "{\"metric\": \"error_rate\", \"model\": \"m\", \"threshold\": 0.1}")
        .error()).isEqualTo("bad_rule_name");
    assertThat(api.putJson("/api/v1/alert-rules/x?dryRun=true", "{}").status()).isEqualTo(400);
    assertThat(api.get("/api/v1/alert-rules/hostile").status()).as("nothing was saved").isEqualTo(404);
    assertThat(api.get("/api/v1/alerts?state=bogus").error()).isEqualTo("bad_state");
    assertThat(api.get("/api/v1/alerts?state=firing%27%20OR%201=1").error()).isEqualTo("bad_state");
    assertThat(api.get("/api/v1/alerts?cursor=%27%3B").error()).isEqualTo("bad_cursor");
    assertThat(api.get("/api/v1/alerts?limit=0").error()).isEqualTo("bad_limit");
    assertThat(api.get("/api/v1/alerts?since=1h").status()).isEqualTo(400);
  }

  private List<JsonNode> alerts(String state, String rule) {
    Api.Response r = api.get("/api/v1/alerts?limit=1000&state=" + state);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.json().get("alerts").forEach(a -> {
      if (a.get("rule").asText().equals(rule)) {
        out.add(a);
      }
    });
    return out;
  }

  private long accepted(String deliveryId) {
    synchronized (accepted) {
      return accepted.stream().filter(b -> b.get("deliveryId").asText().equals(deliveryId)).count();
    }
  }

  private void sendLatency(int millis) throws Exception {
    Histogram h = LatencyHistograms.newHistogram();
    h.recordValueWithCount(millis * 1000L, 100);
    Instant now = clock.instant();
    TelemetryBatch batch = new TelemetryBatch(MessageCodec.VERSION, rpi.id(), ++seq, now.minusSeconds(10), now,
        List.of(new TelemetryBatch.ModelMetrics("m", 1, 100, 0, LatencyHistograms.encode(h))), null, Map.of());
    rpi.publish(TopicKind.TELEMETRY, MessageCodec.encode(batch));
    inferences += 100;
    long expected = inferences;
    await().atMost(LONG).until(() -> {
      JsonNode m = api.get("/api/v1/metrics/models/m").json();
      return m.get("versions").size() > 0 && m.get("versions").get(0).get("inferences").asLong() == expected;
    });
  }

  private Path bundle(Path dir) throws Exception {
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
        now.plus(Duration.ofDays(30)), packager.keyId(), "alert test model");
    Path bundle = dir.resolve("m-1.bundle");
    BundleWriter.write(m, Map.of("model.onnx", model), packager, bundle);
    return bundle;
  }
}
