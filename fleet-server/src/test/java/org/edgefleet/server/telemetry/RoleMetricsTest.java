package org.edgefleet.server.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shadow comparisons and A/B outcomes from devices: stored once, merged per version, hostile ones refused. */
class RoleMetricsTest {

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
  void shadowAgreementAndArmOutcomesMergeOverDevicesAndReplaysCountOnce() throws Exception {
    try (FakeDevice one = new FakeDevice(server.mqttUrl(), "one", server.topics());
         FakeDevice two = new FakeDevice(server.mqttUrl(), "two", server.topics())) {
      byte[] shadowOne = batch("one", 1, 2, 100, ",\"shadow\":{\"activeVersion\":1,\"skipped\":3,\"top1Compared\":100,"
          + "\"top1Agreed\":90,\"meanAbsDiff\":{\"label\":0.1}}");
      one.publish(TopicKind.TELEMETRY, shadowOne);
      one.publish(TopicKind.TELEMETRY, shadowOne);
      two.publish(TopicKind.TELEMETRY, batch("two", 1, 2, 300, ",\"shadow\":{\"activeVersion\":1,\"skipped\":0,"
          + "\"top1Compared\":300,\"top1Agreed\":210,\"meanAbsDiff\":{\"label\":0.5}}"));
      // Outcomes 1..4 on one device and 5..6 on the other: six outcomes, mean 3.5, variance 3.5.
      one.publish(TopicKind.TELEMETRY, batch("one", 2, 3, 4, ",\"outcomes\":{\"count\":4,\"sum\":10,\"sumSquares\":30}"));
      two.publish(TopicKind.TELEMETRY, batch("two", 2, 3, 2, ",\"outcomes\":{\"count\":2,\"sum\":11,\"sumSquares\":61}"));
      // Hostile: more agreements than comparisons, a negative difference, outcomes that are not finite.
      two.publish(TopicKind.TELEMETRY, batch("two", 3, 2, 10, ",\"shadow\":{\"activeVersion\":1,\"skipped\":0,"
          + "\"top1Compared\":1,\"top1Agreed\":5}"));
      two.publish(TopicKind.TELEMETRY, batch("two", 4, 2, 10, ",\"shadow\":{\"activeVersion\":1,\"skipped\":0,"
          + "\"top1Compared\":1,\"top1Agreed\":1,\"meanAbsDiff\":{\"label\":-1}}"));
      two.publish(TopicKind.TELEMETRY, batch("two", 5, 3, 10, ",\"outcomes\":{\"count\":0,\"sum\":1,\"sumSquares\":1}"));

      await().atMost(LONG).until(() -> rejected("invalid") == 3 && rejected("replayed") == 1);
      JsonNode versions = api.get("/api/v1/metrics/models/clf").json().get("versions");
      JsonNode v2 = versions.get(0);
      assertThat(v2.get("version").asInt()).isEqualTo(2);
      JsonNode shadow = v2.get("shadow");
      assertThat(shadow.get("skipped").asLong()).isEqualTo(3);
      assertThat(shadow.get("top1Compared").asLong()).isEqualTo(400);
      assertThat(shadow.get("top1Agreement").asDouble()).isEqualTo(0.75, within(1e-9));
      assertThat(shadow.get("meanAbsDiff").get("label").asDouble()).isEqualTo((0.1 * 100 + 0.5 * 300) / 400, within(1e-9));
      assertThat(v2.has("outcomes")).isFalse();
      JsonNode outcomes = versions.get(1).get("outcomes");
      assertThat(outcomes.get("count").asLong()).isEqualTo(6);
      assertThat(outcomes.get("mean").asDouble()).isEqualTo(3.5, within(1e-9));
      assertThat(outcomes.get("variance").asDouble()).isEqualTo(3.5, within(1e-9));
      assertThat(outcomes.get("ciLow").asDouble()).isLessThan(3.5);
      assertThat(outcomes.get("ciHigh").asDouble()).isGreaterThan(3.5);
    }
  }

  private double rejected(String reason) {
    return TestServers.metric(api.get("/metrics").body(), "fleet_device_messages_rejected_total", reason);
  }

  private static byte[] batch(String id, long seq, int version, long count, String extra) {
    return String.format("{\"v\":1,\"deviceId\":\"%s\",\"seq\":%d,\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-01-01T00:01:00Z\","
        + "\"models\":[{\"name\":\"clf\",\"version\":%d,\"count\":%d,\"errors\":0%s}]}", id, seq, version, count, extra)
        .getBytes(StandardCharsets.UTF_8);
  }
}
