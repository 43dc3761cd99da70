package org.edgefleet.server.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.message.LatencyHistograms;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What devices send: bad messages are counted and dropped, good ones stored once. */
class DeviceMessagesTest {

  private static final Duration LONG = Duration.ofSeconds(30);

  @TempDir Path dir;
  private FleetServer server;
  private Api api;

  @BeforeEach
  void start() throws Exception {
    server = FleetServer.start(TestServers.config(dir).build());
    api = Api.admin(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void theKeySetVersionADeviceReportsIsShownAndAbsentIsUnknown() throws Exception {
    try (FakeDevice d = new FakeDevice(server.mqttUrl(), "rotating", server.topics())) {
      d.publish(TopicKind.REPORTED, MessageCodec.encode(new ReportedState(MessageCodec.VERSION, "rotating", "0.3.0", Map.of(), 0,
          List.of(), null, Instant.now(), null, 7L)));
      await().atMost(LONG).until(() -> api.get("/api/v1/devices/rotating").json().path("keySetVersion").asLong() == 7);
      d.publish(TopicKind.REPORTED, MessageCodec.encode(report("rotating", Map.of("hw", "rpi4"))));
      await().atMost(LONG).until(() -> api.get("/api/v1/devices/rotating").json().path("labels").has("hw"));
      assertThat(api.get("/api/v1/devices/rotating").json().has("keySetVersion")).isFalse();
      // A version below 1 is a malformed report: dropped, the device's state untouched.
      d.publish(TopicKind.REPORTED, ("{\"v\":1,\"deviceId\":\"rotating\",\"appliedRevision\":0,\"time\":\"" + Instant.now()
          + "\",\"keySetVersion\":-1}").getBytes(StandardCharsets.UTF_8));
      await().atMost(LONG).until(() -> rejected("invalid") == 1);
      assertThat(api.get("/api/v1/devices/rotating").json().path("labels").has("hw")).isTrue();
    }
  }

  @Test
  void badMessagesAreCountedByReasonAndNobodyElseNotices() throws Exception {
    try (FakeDevice bad = new FakeDevice(server.mqttUrl(), "noisy", server.topics());
         FakeDevice good = new FakeDevice(server.mqttUrl(), "quiet", server.topics())) {
      bad.publish(TopicKind.EVENTS, "{not json".getBytes(StandardCharsets.UTF_8));
      bad.publish(TopicKind.TELEMETRY, "[1,2,3]".getBytes(StandardCharsets.UTF_8));
      bad.publish(TopicKind.EVENTS, event("noisy", 1, "x".repeat(DeviceEvent.MAX_BYTES)));
      bad.publish(TopicKind.REPORTED, "{\"v\":2,\"deviceId\":\"noisy\"}".getBytes(StandardCharsets.UTF_8));
      bad.publish(TopicKind.REPORTED, MessageCodec.encode(report("quiet", Map.of("forged", "yes"))));
      bad.publish(TopicKind.TELEMETRY, telemetry("noisy", 1, "m", 10, 20, null));
      bad.publish(TopicKind.TELEMETRY, telemetry("noisy", 2, "m", 10, 0, "not base64!"));
      bad.publish(TopicKind.BUNDLE_REQUEST, "{\"v\":1,\"digest\":\"nope\",\"chunks\":[0]}".getBytes(StandardCharsets.UTF_8));
      bad.publish(TopicKind.STATUS, "{\"v\":1,\"state\":\"sleeping\"}".getBytes(StandardCharsets.UTF_8));

      good.report(Map.of("hw", "rpi4"), 0, List.of());
      await().atMost(LONG).until(() -> api.get("/api/v1/devices/quiet").status() == 200);
      await().atMost(LONG).until(() -> rejected("invalid") == 4);
      assertThat(rejected("malformed")).isEqualTo(2);
      assertThat(rejected("too_large")).isEqualTo(1);
      assertThat(rejected("unsupported_version")).isEqualTo(1);
      assertThat(rejected("device_mismatch")).isEqualTo(1);
      assertThat(api.get("/api/v1/devices/quiet").json().get("labels").has("forged")).isFalse();
      String metrics = api.get("/metrics").body();
      assertThat(TestServers.metric(metrics, "fleet_device_messages_total", "events")).isEqualTo(2);
      assertThat(TestServers.metric(metrics, "fleet_device_messages_total", "telemetry")).isEqualTo(3);
      assertThat(TestServers.metric(metrics, "fleet_devices_known", null)).isEqualTo(1);

      // The misbehaving device is still served once it behaves.
      bad.report(Map.of("hw", "jetson"), 0, List.of());
      await().atMost(LONG).until(() -> api.get("/api/v1/devices/noisy").status() == 200);
      assertThat(api.get("/api/v1/devices").json().get("devices")).hasSize(2);
    }
  }

  @Test
  void replayedTelemetryAndEventsAreStoredOnceAndPercentilesMergeExactly() throws Exception {
    Histogram a = LatencyHistograms.newHistogram();
    Histogram b = LatencyHistograms.newHistogram();
    for (int ms = 1; ms <= 1000; ms++) {
      a.recordValue(ms * 1000L);
      b.recordValue(ms * 700L);
    }
    try (FakeDevice one = new FakeDevice(server.mqttUrl(), "one", server.topics());
         FakeDevice two = new FakeDevice(server.mqttUrl(), "two", server.topics())) {
      byte[] batch = telemetry("one", 7, "clf", 1000, 10, LatencyHistograms.encode(a));
      one.publish(TopicKind.TELEMETRY, batch);
      one.publish(TopicKind.TELEMETRY, batch);
      two.publish(TopicKind.TELEMETRY, telemetry("two", 7, "clf", 1000, 30, LatencyHistograms.encode(b)));
      two.publish(TopicKind.TELEMETRY, telemetry("two", 8, "clf", 5, 0, null));
      // Base64, but no HdrHistogram: stored, then skipped (and counted) when metrics merge.
      two.publish(TopicKind.TELEMETRY, telemetry("two", 9, "clf", 0, 0, "AAAAAAAAAAAA"));
      byte[] ev = event("one", 3, "ok");
      one.publish(TopicKind.EVENTS, ev);
      one.publish(TopicKind.EVENTS, ev);

      await().atMost(LONG).until(() -> rejected("replayed") == 2);
      JsonNode metrics = api.get("/api/v1/metrics/models/clf").json();
      JsonNode v1 = metrics.get("versions").get(0);
      assertThat(v1.get("version").asInt()).isEqualTo(1);
      assertThat(v1.get("inferences").asLong()).isEqualTo(2005);
      assertThat(v1.get("errors").asLong()).isEqualTo(40);
      assertThat(v1.get("devicesReporting").asInt()).isEqualTo(2);
      Histogram merged = new Histogram(LatencyHistograms.SIGNIFICANT_DIGITS);
      merged.add(a);
      merged.add(b);
      JsonNode latency = v1.get("latencyMs");
      assertThat(latency.get("samples").asLong()).isEqualTo(2000);
      assertThat(TestServers.metric(api.get("/metrics").body(), "fleet_telemetry_histograms_skipped_total", null)).isEqualTo(1);
      assertThat(latency.get("p50").asDouble()).isEqualTo(merged.getValueAtPercentile(50) / 1000.0);
      assertThat(latency.get("p95").asDouble()).isEqualTo(merged.getValueAtPercentile(95) / 1000.0);
      assertThat(latency.get("p99").asDouble()).isEqualTo(merged.getValueAtPercentile(99) / 1000.0);
      // Against the raw values: x ms + x/0.7 ms samples lie below x, so the median is near 412 ms.
      assertThat(latency.get("p50").asDouble()).isBetween(400.0, 425.0);

      assertThat(api.get("/api/v1/metrics/models/clf?since=" + Instant.now().plusSeconds(60)).json().get("versions")).isEmpty();
      assertThat(api.get("/api/v1/metrics/models/clf?since=yesterday").error()).isEqualTo("bad_since");
      assertThat(api.get("/api/v1/metrics/models/unknown").status()).isEqualTo(404);
    }
  }

  @Test
  void ingestLagCountsEachStoredBatchOnceFromTheEndOfItsInterval() throws Exception {
    try (FakeDevice d = new FakeDevice(server.mqttUrl(), "lagging", server.topics())) {
      byte[] fresh = json("{\"v\":1,\"deviceId\":\"lagging\",\"seq\":1,\"from\":\"%s\",\"to\":\"%s\"}",
          Instant.now().minusSeconds(10), Instant.now());
      d.publish(TopicKind.TELEMETRY, fresh);
      d.publish(TopicKind.TELEMETRY, fresh); // a replay is not stored again, so not timed again
      d.publish(TopicKind.TELEMETRY, telemetry("lagging", 2, "clf", 5, 0, null)); // its interval ended in January
      await().atMost(LONG).until(() -> rejected("replayed") == 1);
      String metrics = api.get("/metrics").body();
      assertThat(TestServers.metric(metrics, "fleet_telemetry_ingest_lag_seconds_count", null)).isEqualTo(2);
      assertThat(TestServers.metric(metrics, "fleet_telemetry_ingest_lag_seconds_bucket{le=\"2.0\"}", null)).isEqualTo(1);
      assertThat(TestServers.metric(metrics, "fleet_telemetry_ingest_lag_seconds_bucket{le=\"300.0\"}", null)).isEqualTo(1);
      assertThat(TestServers.metric(metrics, "fleet_telemetry_ingest_lag_seconds_bucket{le=\"+Inf\"}", null)).isEqualTo(2);
    }
  }

  @Test
  void reportsAreOrderedByArrivalWhateverTheDeviceClockSays() throws Exception {
    try (FakeDevice d = new FakeDevice(server.mqttUrl(), "skewed", server.topics())) {
      Instant now = Instant.now();
      // A retained report from a clock a year ahead, then genuine ones, then one from a clock a year behind.
      List<Instant> times = List.of(now.plus(Duration.ofDays(365)), now, now.minus(Duration.ofDays(365)), now.plusSeconds(1));
      for (int i = 0; i < times.size(); i++) {
        ReportedState r = new ReportedState(MessageCodec.VERSION, "skewed", "0.1.0", Map.of("n", Integer.toString(i)), i, List.of(),
            null, times.get(i));
        d.client().publish(server.topics().topic("skewed", TopicKind.REPORTED), MessageCodec.encode(r), 1, true);
        String n = Integer.toString(i);
        await().atMost(LONG).until(() -> api.get("/api/v1/devices/skewed").status() == 200
            && n.equals(api.get("/api/v1/devices/skewed").json().get("labels").path("n").asText()));
        assertThat(api.get("/api/v1/devices/skewed").json().get("appliedRevision").asLong()).isEqualTo(i);
      }
      assertThat(rejected("replayed")).isZero();
    }
  }

  @Test
  void aDeviceWhoseSequenceRestartsIsNotFrozenOut() throws Exception {
    try (FakeDevice d = new FakeDevice(server.mqttUrl(), "wiped", server.topics())) {
      for (int seq = 1; seq <= 3; seq++) {
        d.publish(TopicKind.EVENTS, event("wiped", seq, "before"));
        d.publish(TopicKind.TELEMETRY, telemetry("wiped", seq, "clf", 10, 0, null));
      }
      await().atMost(LONG).until(() -> api.get("/api/v1/metrics/models/clf").status() == 200
          && api.get("/api/v1/metrics/models/clf").json().get("versions").get(0).get("inferences").asLong() == 30);

      // The data directory is wiped: numbering starts at 1 again, with new content.
      byte[] restarted = json("{\"v\":1,\"deviceId\":\"wiped\",\"seq\":1,\"time\":\"2026-02-01T00:00:00Z\",\"model\":\"clf\","
          + "\"version\":2,\"execution\":\"activate\",\"result\":\"success\"}");
      byte[] restartedBatch = json("{\"v\":1,\"deviceId\":\"wiped\",\"seq\":1,\"from\":\"2026-02-01T00:00:00Z\","
          + "\"to\":\"2026-02-01T00:01:00Z\",\"models\":[{\"name\":\"clf\",\"version\":1,\"count\":5,\"errors\":0}]}");
      d.publish(TopicKind.EVENTS, restarted);
      d.publish(TopicKind.TELEMETRY, restartedBatch);
      await().atMost(LONG).until(() ->
          api.get("/api/v1/metrics/models/clf").json().get("versions").get(0).get("inferences").asLong() == 35);
      JsonNode model = api.get("/api/v1/devices/wiped").json().get("models").get(0);
      assertThat(model.get("state").asText()).isEqualTo("active");
      assertThat(model.get("stateVersion").asInt()).isEqualTo(2);
      assertThat(rejected("replayed")).isZero();

      // Replays of the new sequence are still stored once.
      d.publish(TopicKind.EVENTS, restarted);
      d.publish(TopicKind.TELEMETRY, restartedBatch);
      await().atMost(LONG).until(() -> rejected("replayed") == 2);
      assertThat(api.get("/api/v1/metrics/models/clf").json().get("versions").get(0).get("inferences").asLong()).isEqualTo(35);
    }
  }

  @Test
  void countersThatWouldOverflowAreRefusedAndMetricsNeverTurnNegative() throws Exception {
    Histogram hostile = LatencyHistograms.newHistogram();
    hostile.recordValueWithCount(1000, Long.MAX_VALUE - 1);
    long most = 61 * TelemetryBatch.MAX_INFERENCES_PER_SECOND; // what a 60 s batch may hold
    try (FakeDevice d = new FakeDevice(server.mqttUrl(), "wild", server.topics())) {
      d.publish(TopicKind.TELEMETRY, telemetry("wild", 1, "big", Long.MAX_VALUE, 0, null));
      d.publish(TopicKind.TELEMETRY, telemetry("wild", 2, "big", 1L << 62, 1L << 62, null));
      d.publish(TopicKind.TELEMETRY, telemetry("wild", 3, "big", most + 1, 0, null));
      d.publish(TopicKind.TELEMETRY, json("{\"v\":1,\"deviceId\":\"wild\",\"seq\":4,\"from\":\"2026-01-01T00:00:00Z\","
          + "\"to\":\"2026-01-01T00:01:00Z\",\"counters\":{\"outboxDropped\":-1}}"));
      d.publish(TopicKind.TELEMETRY, telemetry("wild", 5, "big", most, most, null));
      d.publish(TopicKind.TELEMETRY, telemetry("wild", 6, "big", most, 0, LatencyHistograms.encode(hostile)));

      await().atMost(LONG).until(() -> rejected("invalid") == 4);
      await().atMost(LONG).until(() -> api.get("/api/v1/metrics/models/big").status() == 200
          && api.get("/api/v1/metrics/models/big").json().get("versions").get(0).get("inferences").asLong() == 2 * most);
      JsonNode v1 = api.get("/api/v1/metrics/models/big").json().get("versions").get(0);
      assertThat(v1.get("errors").asLong()).isEqualTo(most);
      assertThat(v1.get("errorRate").asDouble()).isEqualTo(0.5);
      // The histogram whose counts would wrap the merged total is skipped (and counted at every merge), not merged.
      assertThat(v1.hasNonNull("latencyMs")).isFalse();
      assertThat(TestServers.metric(api.get("/metrics").body(), "fleet_telemetry_histograms_skipped_total", null)).isPositive();
    }
  }

  @Test
  void statusMessagesDriveOnlineAndLastSeen() throws Exception {
    try (FakeDevice d = new FakeDevice(server.mqttUrl(), "flaky", server.topics())) {
      d.publish(TopicKind.STATUS, MessageCodec.encode(DeviceStatus.of(DeviceStatus.State.ONLINE)));
      await().atMost(LONG).until(() -> api.get("/api/v1/devices/flaky").status() == 200);
      assertThat(api.get("/api/v1/devices/flaky").json().get("online").asBoolean()).isTrue();
      d.publish(TopicKind.STATUS, MessageCodec.encode(DeviceStatus.of(DeviceStatus.State.OFFLINE)));
      await().atMost(LONG).until(() -> !api.get("/api/v1/devices/flaky").json().get("online").asBoolean());
      assertThat(TestServers.metric(api.get("/metrics").body(), "fleet_devices_online", null)).isZero();
    }
  }

  private double rejected(String reason) {
    return TestServers.metric(api.get("/metrics").body(), "fleet_device_messages_rejected_total", reason);
  }

  private static ReportedState report(String id, Map<String, String> labels) {
    return new ReportedState(MessageCodec.VERSION, id, "0.1.0", labels, 0, List.of(), null, Instant.now());
  }

  private static byte[] event(String id, long seq, String details) {
    return json("{\"v\":1,\"deviceId\":\"%s\",\"seq\":%d,\"time\":\"2026-01-01T00:00:00Z\",\"model\":\"clf\","
        + "\"version\":1,\"execution\":\"download\",\"result\":\"started\",\"details\":\"%s\"}", id, seq, details);
  }

  /** A telemetry batch as JSON, so that invalid ones (errors > count) can be sent too. */
  private static byte[] telemetry(String id, long seq, String model, long count, long errors, String histogram) {
    return json("{\"v\":1,\"deviceId\":\"%s\",\"seq\":%d,\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-01T00:01:00Z\","
        + "\"models\":[{\"name\":\"%s\",\"version\":1,\"count\":%d,\"errors\":%d%s}]}", id, seq, model, count, errors,
        histogram == null ? "" : ",\"latencyMicros\":\"" + histogram + "\"");
  }

  private static byte[] json(String format, Object... args) {
    return String.format(format, args).getBytes(StandardCharsets.UTF_8);
  }
}
