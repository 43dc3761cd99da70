package org.edgefleet.server.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.ReportFlood;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resource use per cohort through the API, and its refusals. */
class ResourceMetricsApiTest {

  @Test
  void resourceUseOfACohortIsItsDevicesMinMeanAndMax(@TempDir Path dir) throws Exception {
    try (FleetServer server = FleetServer.start(TestServers.config(dir.resolve("data")).build())) {
      Api api = Api.admin(server);
      ReportFlood.report(server.mqttUrl(), server.topics(), List.of("rpi-1", "jetson-1"),
          id -> Map.of("hw", id.substring(0, id.indexOf('-'))), id -> List.of());
      await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/api/v1/devices/jetson-1").status() == 200);
      try (FakeDevice rpi = new FakeDevice(server.mqttUrl(), "rpi-1", server.topics());
          FakeDevice jetson = new FakeDevice(server.mqttUrl(), "jetson-1", server.topics())) {
        send(rpi, 1, 0.5, 50.0);
        send(rpi, 2, 1.5, 60.0);
        send(jetson, 1, 3.0, 80.0);
        await().atMost(Duration.ofSeconds(60)).until(() -> samples(api.get("/api/v1/metrics/resources").json()) == 3);
      }
      JsonNode rpis = api.get("/api/v1/metrics/resources?selector=hw=rpi").json();
      assertThat(rpis.get("cpuLoad").get("min").asDouble()).isEqualTo(0.5);
      assertThat(rpis.get("cpuLoad").get("mean").asDouble()).isEqualTo(1.0);
      assertThat(rpis.get("temperatureC").get("max").asDouble()).isEqualTo(60.0);
      assertThat(rpis.get("rssBytes").get("samples").asLong()).isEqualTo(2);
      assertThat(api.get("/api/v1/metrics/resources?selector=hw=none").json().has("cpuLoad")).isFalse();
      assertThat(api.get("/api/v1/metrics/resources?since=2999-01-01T00:00:00Z").json().has("cpuLoad")).isFalse();

      assertThat(api.get("/api/v1/metrics/resources?since=yesterday").error()).isEqualTo("bad_since");
      assertThat(api.get("/api/v1/metrics/resources?selector=hw=%27%3B%20DROP%20TABLE%20devices").error()).isEqualTo("bad_selector");
      assertThat(api.get("/api/v1/metrics/resources?selector=" + "a".repeat(5000)).status()).isIn(400, 414, 431);
      assertThat(api.get("/api/v1/metrics/resources?window=1h").status()).isEqualTo(400);
      assertThat(api.get("/api/v1/metrics/resources?since=1&since=2").status()).isEqualTo(400);
    }
  }

  private static long samples(JsonNode summary) {
    return summary.path("cpuLoad").path("samples").asLong(0);
  }

  private static void send(FakeDevice device, long seq, double cpu, double temperature) throws Exception {
    Instant now = Instant.now();
    device.publish(TopicKind.TELEMETRY, MessageCodec.encode(new TelemetryBatch(MessageCodec.VERSION, device.id(), seq,
        now.minusSeconds(10), now, List.of(), new TelemetryBatch.ResourceUsage(cpu, 1_000_000L * seq, null, temperature), Map.of())));
  }
}
