package org.edgefleet.server.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.edgefleet.fault.Direction;
import org.edgefleet.fault.MqttFaultProxy;
import org.edgefleet.fault.PacketType;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.server.broker.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A broker that drops the server's publishes without acknowledging them (Moquette 0.17 does when
 * a session loop's queue is full) neither hangs the publisher nor keeps the in-flight window taken:
 * each such publish fails after the ack timeout, and when a quarter of the window is held by them
 * the link reconnects and publishes again.
 */
class MqttLinkAckTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Duration ACK_TIMEOUT = Duration.ofMillis(500);
  private static final int MAX_INFLIGHT = 8;

  private EmbeddedBroker broker;
  private MqttFaultProxy proxy;
  private MqttLink link;

  @BeforeEach
  void start() throws Exception {
    broker = EmbeddedBroker.start(new EmbeddedBroker.Options("127.0.0.1", 0, null, 256 * 1024, Topics.defaults(),
        "fleet-server", "server-secret"));
    proxy = MqttFaultProxy.start(broker.port());
    link = new MqttLink(new MqttLink.Options(proxy.url(), "fleet-server", EmbeddedBroker.serverUsername(), "server-secret",
        List.of("fleet/v1/devices/+/reported"), MAX_INFLIGHT, Duration.ofMillis(200), false, ACK_TIMEOUT, null), (t, p) -> CompletableFuture.completedFuture(null));
    link.start().get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    link.close();
    proxy.close();
    broker.close();
  }

  @Test
  void anAcknowledgedPublishCompletes() throws Exception {
    link.publish("fleet/v1/devices/dev-1/desired", new byte[] {1}, 1, false).get(10, TimeUnit.SECONDS);
    assertThat(link.acksLost()).isZero();
  }

  @Test
  void aPublishWhoseAcknowledgementIsLostFailsAfterTheTimeout() throws Exception {
    proxy.lose(Direction.TO_CLIENT, PacketType.PUBACK, 1);
    CompletableFuture<Void> lost = link.publish("fleet/v1/devices/dev-1/desired", new byte[] {1}, 1, false);
    assertThatThrownBy(() -> lost.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class).hasMessageContaining("no acknowledgement of publish to fleet/v1/devices/dev-1/desired");
    assertThat(link.acksLost()).isEqualTo(1);
    // One lost slot of eight: the link keeps its connection and goes on publishing.
    link.publish("fleet/v1/devices/dev-1/desired", new byte[] {2}, 1, false).get(10, TimeUnit.SECONDS);
    assertThat(proxy.connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void aLinkHoldingAQuarterOfItsWindowInLostPublishesReconnectsAndPublishesAgain() throws Exception {
    proxy.lose(Direction.TO_CLIENT, PacketType.PUBACK, MAX_INFLIGHT / 4);
    for (int i = 0; i < MAX_INFLIGHT / 4; i++) {
      CompletableFuture<Void> lost = link.publish("fleet/v1/devices/dev-" + i + "/desired", new byte[] {1}, 1, false);
      assertThatThrownBy(() -> lost.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
    }
    await().atMost(PATIENCE).until(() -> proxy.connectionsAccepted() == 2 && link.isConnected());
    // Without the reconnect, eight such losses would leave no slot at all; with it every publish goes through.
    for (int i = 0; i < 2 * MAX_INFLIGHT; i++) {
      link.publish("fleet/v1/devices/dev-9/desired", new byte[] {(byte) i}, 1, false).get(10, TimeUnit.SECONDS);
    }
    assertThat(link.acksLost()).isEqualTo(MAX_INFLIGHT / 4);
    assertThat(proxy.lost()).isEqualTo(MAX_INFLIGHT / 4);
  }
}
