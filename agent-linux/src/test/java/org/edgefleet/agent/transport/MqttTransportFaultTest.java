package org.edgefleet.agent.transport;

import org.edgefleet.protocol.retry.Backoff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.fault.Direction;
import org.edgefleet.fault.Drop;
import org.edgefleet.fault.MqttFaultProxy;
import org.edgefleet.fault.PacketType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transport's lifecycle under connection faults at every step of an MQTT session, on a real
 * broker behind the fault proxy: whatever breaks, the transport ends CONNECTED with its
 * subscriptions in place, and close() in any state ends every thread it started.
 */
class MqttTransportFaultTest {

  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  TestBroker broker;
  MqttFaultProxy proxy;
  ScheduledExecutorService scheduler;
  final Recorder events = new Recorder();
  int clients;

  @BeforeEach
  void setUp() throws Exception {
    broker = TestBroker.start();
    proxy = MqttFaultProxy.start(broker.port());
    scheduler = Executors.newScheduledThreadPool(1, r -> {
      Thread t = new Thread(r, "test-scheduler");
      t.setDaemon(true);
      return t;
    });
  }

  @AfterEach
  void tearDown() {
    proxy.close();
    broker.close();
    scheduler.shutdownNow();
  }

  MqttTransport transport(String clientId, Duration connectTimeout) {
    clients++;
    MqttSettings s = new MqttSettings(proxy.url(), clientId, clientId, null, dir.resolve(clientId), "t/" + clientId + "/status",
        "offline".getBytes(), Duration.ofSeconds(1), connectTimeout, 20, new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)),
        false);
    MqttTransport t = new MqttTransport(s, scheduler);
    t.subscribe("t/" + clientId + "/in");
    t.subscribe("t/" + clientId + "/chunks");
    return t;
  }

  @Test
  void aDropBeforeConnackAtEverySessionConverges() {
    assertConverges(Drop.beforeConnack(), "c-connack");
  }

  @Test
  void aDropBetweenConnackAndSubackConverges() {
    // The case that left agents offline for good: the connection ends while subscribing.
    assertConverges(Drop.beforeSuback(), "c-suback");
  }

  @Test
  void aDropWhilePublishingConverges() {
    assertConverges(Drop.afterPublishesToBroker(0), "c-publish");
  }

  private void assertConverges(Drop drop, String id) {
    for (int i = 0; i < 3; i++) {
      proxy.arm(drop);
    }
    try (MqttTransport t = transport(id, Duration.ofSeconds(5))) {
      t.start(events);
      if (drop.type() == PacketType.PUBLISH) {
        for (int i = 1; i <= 3; i++) {
          await().atMost(WAIT).until(t::isConnected);
          t.publish("t/" + id + "/out", new byte[] {1}, false);
          int fired = i;
          await().atMost(WAIT).until(() -> proxy.dropsFired() == fired);
        }
      }
      await().atMost(WAIT).until(() -> proxy.dropsFired() == 3 && t.state() == MqttTransport.State.CONNECTED);
      assertThat(events.lost.get()).isGreaterThanOrEqualTo(3);
      assertThat(events.connected.get()).isGreaterThanOrEqualTo(1);
      // Subscriptions are in place: a message to the device arrives.
      assertThat(t.publish("t/" + id + "/in", "hello".getBytes(), false)).succeedsWithin(WAIT);
      await().atMost(WAIT).until(() -> events.messages.contains("t/" + id + "/in"));
    }
  }

  @Test
  void aStalledBrokerNeverLeavesTheTransportWaitingAndItConvergesOnceTheLinkIsBack() {
    proxy.blackhole();
    try (MqttTransport t = transport("c-stall", Duration.ofSeconds(1))) {
      t.start(events);
      // CONNECT never gets an answer: each attempt times out and a new one is made.
      await().atMost(WAIT).until(() -> proxy.connectionsAccepted() >= 3);
      assertThat(t.isConnected()).isFalse();
      proxy.resume();
      await().atMost(WAIT).until(() -> t.state() == MqttTransport.State.CONNECTED);

      // A silent link loss on an established connection is found by keep-alive, then healed.
      proxy.blackhole();
      await().atMost(WAIT).until(() -> t.state() != MqttTransport.State.CONNECTED);
      proxy.resume();
      await().atMost(WAIT).until(() -> t.state() == MqttTransport.State.CONNECTED);
    }
  }

  @Test
  void closeBeforeTheFirstConnectEndsEveryThread() {
    proxy.blackhole();
    MqttTransport t = transport("c-close-connecting", Duration.ofSeconds(10));
    t.start(events);
    await().atMost(WAIT).until(() -> t.state() == MqttTransport.State.CONNECTING && proxy.connectionsAccepted() == 1);
    t.close();
    assertNoThreadsOf("c-close-connecting");
    assertThat(t.state()).isEqualTo(MqttTransport.State.CLOSED);
  }

  @Test
  void closeWhileWaitingToRetryMakesNoFurtherAttempt() throws Exception {
    proxy.cut();
    MqttTransport t = transport("c-close-waiting", Duration.ofSeconds(1));
    t.start(events);
    await().atMost(WAIT).until(() -> events.lost.get() >= 2);
    t.close();
    int attempts = proxy.connectionsAccepted();
    TimeUnit.MILLISECONDS.sleep(600); // three times the longest backoff
    assertThat(proxy.connectionsAccepted()).isEqualTo(attempts);
    assertNoThreadsOf("c-close-waiting");
  }

  @Test
  void closeWhenConnectedEndsEveryThread() {
    MqttTransport t = transport("c-close-connected", Duration.ofSeconds(5));
    t.start(events);
    await().atMost(WAIT).until(t::isConnected);
    t.close();
    assertNoThreadsOf("c-close-connected");
    assertThat(t.publish("t/x", new byte[1], false)).isCompletedExceptionally();
  }

  private static void assertNoThreadsOf(String clientId) {
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().entrySet())
        .filteredOn(e -> e.getKey().isAlive() && e.getKey().getName().contains(clientId))
        .map(e -> e.getKey().getName() + " " + java.util.Arrays.toString(e.getValue())).isEmpty());
  }

  /**
   * A broker that drops publishes without a PUBACK (Moquette 0.17 with a full session queue): each
   * such publish fails after the ack deadline instead of waiting forever, and once a quarter of the
   * in-flight window is held by them the transport connects afresh and publishes again.
   */
  @Test
  void publishesWhoseAcknowledgementsAreLostFailAndTheConnectionIsRenewed() {
    try (MqttTransport t = transport("c-noack", Duration.ofSeconds(5))) {
      t.start(events);
      await().atMost(WAIT).until(t::isConnected);
      int quarter = 20 / 4;
      proxy.lose(Direction.TO_CLIENT, PacketType.PUBACK, quarter);
      List<CompletableFuture<Void>> lost = new ArrayList<>();
      for (int i = 0; i < quarter; i++) {
        lost.add(t.publish("t/c-noack/out", new byte[] {(byte) i}, false));
      }
      for (CompletableFuture<Void> f : lost) {
        assertThat(f).failsWithin(WAIT).withThrowableOfType(ExecutionException.class).withCauseInstanceOf(TimeoutException.class);
      }
      await().atMost(WAIT).until(() -> proxy.connectionsAccepted() == 2 && t.state() == MqttTransport.State.CONNECTED);
      assertThat(events.lost.get()).isEqualTo(1);
      for (int i = 0; i < 40; i++) {
        assertThat(t.publish("t/c-noack/out", new byte[] {(byte) i}, false)).succeedsWithin(WAIT);
      }
      assertThat(proxy.lost()).isEqualTo(quarter);
    }
  }

  static final class Recorder implements TransportListener {
    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger lost = new AtomicInteger();
    final List<String> messages = new CopyOnWriteArrayList<>();

    @Override
    public void onConnected() {
      connected.incrementAndGet();
    }

    @Override
    public void onConnectionLost(Throwable cause) {
      lost.incrementAndGet();
    }

    @Override
    public void onMessage(String topic, byte[] payload) {
      messages.add(topic);
    }
  }
}
