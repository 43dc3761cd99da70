package org.edgefleet.server.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.server.broker.EmbeddedBroker;
import org.edgefleet.server.support.FakeDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The link acknowledges a device's QoS 1 message only when its handling completes normally; one
 * whose handling failed stays unacknowledged, and the embedded broker (Moquette 0.17, which re-sends
 * what a quiet connection left unacknowledged after about 5 s) sends it again.
 */
class MqttLinkInboundAckTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final int MESSAGES = 3;

  private final Map<String, AtomicInteger> arrivals = new ConcurrentHashMap<>();
  private EmbeddedBroker broker;
  private MqttLink link;
  private FakeDevice device;

  @BeforeEach
  void start() throws Exception {
    broker = EmbeddedBroker.start(new EmbeddedBroker.Options("127.0.0.1", 0, null, 256 * 1024, Topics.defaults(),
        "fleet-server", "server-secret"));
    // The first handling of each message fails, as a write to a database that refuses it would.
    link = new MqttLink(new MqttLink.Options(broker.url(), "fleet-server", EmbeddedBroker.serverUsername(), "server-secret",
        List.of(Topics.defaults().allDevices(TopicKind.TELEMETRY)), 16, Duration.ofMillis(200), false, Duration.ofSeconds(10),
        null), (topic, payload) -> {
          int n = arrivals.computeIfAbsent(new String(payload, StandardCharsets.UTF_8), k -> new AtomicInteger()).incrementAndGet();
          return n == 1 ? CompletableFuture.failedFuture(new IllegalStateException("store refused")) : CompletableFuture.completedFuture(null);
        });
    link.start().get(30, TimeUnit.SECONDS);
    device = new FakeDevice(broker.url(), "dev-1", Topics.defaults());
  }

  @AfterEach
  void stop() {
    device.close();
    link.close();
    broker.close();
  }

  @Test
  void aMessageWhoseHandlingFailedIsSentAgainAndOneThatWasHandledIsNot() throws Exception {
    for (int i = 0; i < MESSAGES; i++) {
      device.publish(TopicKind.TELEMETRY, ("m" + i).getBytes(StandardCharsets.UTF_8));
    }
    await().atMost(PATIENCE).until(() -> arrivals.size() == MESSAGES && arrivals.values().stream().allMatch(n -> n.get() >= 2));
    // Acknowledged at the second handling: the broker's next re-send round (5 s) finds nothing to send.
    Thread.sleep(7_000);
    assertThat(arrivals.values()).allMatch(n -> n.get() == 2);
    assertThat(link.isConnected()).isTrue();
  }
}
