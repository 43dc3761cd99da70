package org.edgefleet.server.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.message.TelemetryBatch.DriftCounts;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.MutableClock;
import org.edgefleet.server.support.ReportFlood;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * PSI per feature over time (what the dashboard's drift chart draws): each step from its own
 * histograms, the worst feature first, bounded in steps and features, hostile queries refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DriftSeriesApiTest {

  private static final Duration LONG = Duration.ofSeconds(60);
  private static final String SERIES = "/api/v1/drift/models/m/versions/1/series";

  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  private final MutableClock clock = new MutableClock(Instant.now());
  private FleetServer server;
  private Api api;
  private FakeDevice rpi;
  private long seq;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = FleetServer.start(TestServers.config(dir.resolve("data")).clock(clock)
        .trustedPackagerKeys(List.of(TestServers.trustedKey(dir, packager))).build());
    api = Api.admin(server);
    ReportFlood.report(server.mqttUrl(), server.topics(), List.of("rpi-1"), id -> Map.of("hw", "rpi"), id -> List.of());
    await().atMost(LONG).until(() -> api.get("/api/v1/devices/rpi-1").status() == 200);
    assertThat(api.upload(DriftApiTest.bundle(dir, packager)).status()).isEqualTo(201);
    rpi = new FakeDevice(server.mqttUrl(), "rpi-1", server.topics());
  }

  @AfterAll
  void stop() {
    rpi.close();
    server.close();
  }

  /** Feature b steady at first, shifted half an hour later: its line is low, then above the alert level; a stays low. */
  @Test
  void eachStepHasThePsiOfItsOwnHistogramsWorstFeatureFirst() throws Exception {
    send(DriftApiTest.UNIFORM, DriftApiTest.UNIFORM);
    await().atMost(LONG).until(() -> nonNull(series("?window=1h&points=6")) == 1);
    clock.advance(Duration.ofMinutes(30));
    send(DriftApiTest.UNIFORM, DriftApiTest.SHIFTED);
    await().atMost(LONG).until(() -> nonNull(series("?window=1h&points=6")) == 2);

    // The window is the last hour cut into 10-minute steps: the first batch is in step 3, the second in the last.
    JsonNode s = series("?window=1h&points=6");
    assertThat(s.get("stepSeconds").asLong()).isEqualTo(600);
    assertThat(s.get("times")).hasSize(6);
    assertThat(Instant.parse(s.get("times").get(5).asText())).isEqualTo(Instant.parse(s.get("to").asText()));
    assertThat(s.get("warnPsi").asDouble()).isEqualTo(DriftLevel.WARN_PSI);
    assertThat(s.get("alertPsi").asDouble()).isEqualTo(DriftLevel.ALERT_PSI);
    assertThat(s.get("featuresTotal").asInt()).isEqualTo(2);
    assertThat(s.get("features").findValuesAsText("feature")).containsExactly("b", "a");
    List<JsonNode> b = points(s.get("features").get(0));
    assertThat(b.subList(0, 3)).allMatch(JsonNode::isNull);
    assertThat(b.get(3).asDouble()).isLessThan(DriftLevel.WARN_PSI);
    assertThat(b.get(4).isNull()).isTrue();
    assertThat(b.get(5).asDouble()).isGreaterThan(DriftLevel.ALERT_PSI);
    assertThat(s.get("features").get(0).get("level").asText()).isIn("WARN", "ALERT");
    List<JsonNode> a = points(s.get("features").get(1));
    assertThat(a.get(3).asDouble()).isLessThan(DriftLevel.WARN_PSI);
    assertThat(a.get(5).asDouble()).isLessThan(DriftLevel.WARN_PSI);

    JsonNode worst = series("?window=1h&points=6&features=1");
    assertThat(worst.get("features").findValuesAsText("feature")).containsExactly("b");
    assertThat(worst.get("featuresTotal").asInt()).isEqualTo(2);
    JsonNode otherCohort = series("?window=1h&points=6&selector=hw=jetson");
    assertThat(nonNull(otherCohort)).as("no device of that cohort reported").isZero();
    JsonNode defaults = series("");
    assertThat(defaults.get("times")).hasSize(30);
    assertThat(defaults.get("stepSeconds").asLong()).isEqualTo(120);
  }

  @Test
  void hostileQueriesAreRefusedNamingTheParameter() {
    Map<String, String> says = new LinkedHashMap<>();
    says.put("?points=1", "points must be an integer from 2 to 120, was '1'");
    says.put("?points=121", "points must be an integer from 2 to 120");
    says.put("?points=99999999999999999999", "points must be an integer from 2 to 120");
    says.put("?points=-5", "points must be an integer");
    says.put("?points=1e3", "points must be an integer");
    says.put("?points=%27%3B%20DROP%20TABLE%20telemetry_drift", "points must be an integer");
    says.put("?features=0", "features must be an integer from 1 to 20");
    says.put("?features=21", "features must be an integer from 1 to 20");
    says.put("?features=all", "features must be an integer from 1 to 20");
    says.put("?window=30s", "a series' window must be at least 1m");
    says.put("?window=31d", "window must be from 1s to 30d");
    says.put("?window=-1h", "is not a duration");
    says.put("?window=" + "9".repeat(5000) + "d", "is not a duration");
    says.put("?selector=hw%20in%20(rpi", "')' was expected");
    says.put("?points=6&points=7", "is given 2 times");
    says.put("?limit=5", "unknown query parameter 'limit'");
    says.forEach((query, reason) -> {
      Api.Response r = api.get(SERIES + query);
      assertThat(r.status()).as(query).isIn(400, 414, 431);
      if (r.status() == 400) {
        assertThat(r.json().get("message").asText()).as(query).contains(reason).doesNotContain("Exception", "java.");
      }
    });
    assertThat(api.get(SERIES + "?points=0").error()).isEqualTo("bad_points");
    assertThat(api.get(SERIES + "?features=99").error()).isEqualTo("bad_features");
    assertThat(api.get("/api/v1/drift/models/m/versions/abc/series").error()).isEqualTo("bad_version");
    assertThat(api.get("/api/v1/drift/models/m/versions/99999999999/series").error()).isEqualTo("bad_version");
    assertThat(api.get("/api/v1/drift/models/m/versions/7/series").error()).isEqualTo("version_not_found");
    assertThat(api.get("/api/v1/drift/models/nope/versions/1/series").status()).isEqualTo(404);
  }

  private JsonNode series(String query) {
    Api.Response r = api.get(SERIES + query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static List<JsonNode> points(JsonNode line) {
    List<JsonNode> out = new ArrayList<>();
    line.get("points").forEach(out::add);
    return out;
  }

  /** Steps of the first feature that have a PSI. */
  private static int nonNull(JsonNode series) {
    int n = 0;
    for (JsonNode p : series.get("features").get(0).get("points")) {
      n += p.isNull() ? 0 : 1;
    }
    return n;
  }

  private void send(List<Long> a, List<Long> b) throws Exception {
    Instant now = clock.instant();
    TelemetryBatch batch = new TelemetryBatch(MessageCodec.VERSION, rpi.id(), ++seq, now.minusSeconds(10), now, List.of(),
        null, Map.of(), List.of(new DriftCounts("m", 1, "features", "a", a), new DriftCounts("m", 1, "features", "b", b)));
    rpi.publish(TopicKind.TELEMETRY, MessageCodec.encode(batch));
  }
}
