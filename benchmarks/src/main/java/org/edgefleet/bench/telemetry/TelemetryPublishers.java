package org.edgefleet.bench.telemetry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.edgefleet.bench.Poll;
import org.edgefleet.bench.mqtt.PahoClients;

/**
 * K device clients on the broker, each publishing its own telemetry at QoS 1 with up to
 * {@code window} publishes awaiting the broker's acknowledgement, as the agent's outbox drains (with a smaller window).
 * A publish not acknowledged within {@link #ACK_DEADLINE} is sent again on a new connection, as the
 * agent's outbox does: an overloaded Moquette 0.17 withholds the acknowledgement of a publish it
 * could not hand to every subscriber's session loop, and drops unanswered one that its own session
 * loop could not queue, and Paho never sends a publish again on the same connection.
 */
public final class TelemetryPublishers implements AutoCloseable {

  /** How long a publish may wait for its acknowledgement before it is sent again. */
  static final Duration ACK_DEADLINE = Duration.ofSeconds(5);

  private final List<MqttAsyncClient> clients = new ArrayList<>();
  private final ScheduledExecutorService pings = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService senders;
  private final int window;
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong resent = new AtomicLong();

  private TelemetryPublishers(int devices, int window) {
    this.senders = Executors.newFixedThreadPool(devices);
    this.window = window;
  }

  /** Connects one client per device of the workload, with the device id as client id and user name. */
  public static TelemetryPublishers connect(String brokerUrl, TelemetryWorkload workload, int window) throws Exception {
    TelemetryPublishers p = new TelemetryPublishers(workload.byDevice().size(), window);
    try {
      List<String> ids = workload.byDevice().stream().map(messages -> messages.get(0).batch().deviceId()).toList();
      p.clients.addAll(PahoClients.connectDevices(brokerUrl, ids, p.maxInflight(), p.pings));
    } catch (Exception e) {
      p.close();
      throw e;
    }
    return p;
  }

  /**
   * Publishes every device's messages concurrently; returns once the broker has acknowledged all.
   *
   * @throws TimeoutException when acknowledgements stop coming for {@code stall}, or do not all come
   *     within {@code timeout}
   */
  public void publishAll(TelemetryWorkload workload, Duration timeout, Duration stall) throws Exception {
    List<Future<?>> running = new ArrayList<>();
    for (int d = 0; d < clients.size(); d++) {
      MqttAsyncClient client = clients.get(d);
      List<TelemetryWorkload.Message> messages = workload.byDevice().get(d);
      running.add(senders.submit(() -> {
        publish(client, messages);
        return null;
      }));
    }
    try {
      Poll.untilReached("the broker to acknowledge every telemetry publish (each sent again after "
          + ACK_DEADLINE.toSeconds() + " s without an acknowledgement)", workload.size(), timeout, stall,
          Duration.ofMillis(20), () -> failedSender(running) ? Long.MAX_VALUE : acknowledged.get());
    } finally {
      running.forEach(f -> f.cancel(true));
    }
    for (Future<?> f : running) {
      if (f.isDone() && !f.isCancelled()) {
        f.get();
      }
    }
  }

  private static boolean failedSender(List<Future<?>> running) {
    for (Future<?> f : running) {
      if (f.isDone() && !f.isCancelled()) {
        try {
          f.get();
        } catch (Exception e) {
          return true;
        }
      }
    }
    return false;
  }

  /** Publishes sent again because their acknowledgement missed the deadline. */
  public long resent() {
    return resent.get();
  }

  // Room for publishes of a dropped connection that Paho has not failed yet.
  private int maxInflight() {
    return window + 10;
  }

  private record Sent(TelemetryWorkload.Message message, long atNanos) {}

  private void publish(MqttAsyncClient client, List<TelemetryWorkload.Message> messages) throws Exception {
    Semaphore free = new Semaphore(window);
    // Sent and not yet acknowledged, by index in messages; an acknowledgement counts once, whichever copy brings it.
    Map<Integer, Sent> unacknowledged = new ConcurrentHashMap<>();
    for (int i = 0; i < messages.size(); i++) {
      while (!free.tryAcquire(ACK_DEADLINE.toMillis() / 10, TimeUnit.MILLISECONDS)) {
        resendOverdue(client, unacknowledged, free);
      }
      resendOverdue(client, unacknowledged, free);
      send(client, i, messages.get(i), unacknowledged, free);
    }
    while (!free.tryAcquire(window, ACK_DEADLINE.toMillis() / 10, TimeUnit.MILLISECONDS)) {
      resendOverdue(client, unacknowledged, free);
    }
  }

  private void send(MqttAsyncClient client, int index, TelemetryWorkload.Message m, Map<Integer, Sent> unacknowledged,
      Semaphore free) throws MqttException {
    unacknowledged.put(index, new Sent(m, System.nanoTime()));
    MqttMessage message = new MqttMessage(m.payload());
    message.setQos(1);
    try {
      client.publish(m.topic(), message, null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {
          if (unacknowledged.remove(index) != null) {
            acknowledged.incrementAndGet();
            free.release();
          }
        }

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          // Left unacknowledged: sent again once overdue.
        }
      });
    } catch (MqttException e) {
      if (e.getReasonCode() != MqttException.REASON_CODE_CLIENT_NOT_CONNECTED) {
        throw e;
      }
      // Left unacknowledged: the connection is renewed and the publish sent again once overdue.
    }
  }

  /** When a publish missed its deadline: a new connection, on which every unacknowledged publish goes again. */
  private void resendOverdue(MqttAsyncClient client, Map<Integer, Sent> unacknowledged, Semaphore free) throws Exception {
    long now = System.nanoTime();
    if (unacknowledged.values().stream().noneMatch(s -> now - s.atNanos() > ACK_DEADLINE.toNanos())) {
      return;
    }
    PahoClients.reconnectDevice(client, maxInflight());
    for (Map.Entry<Integer, Sent> e : new TreeMap<>(unacknowledged).entrySet()) {
      resent.incrementAndGet();
      send(client, e.getKey(), e.getValue().message(), unacknowledged, free);
    }
  }

  @Override
  public void close() {
    senders.shutdownNow();
    clients.forEach(PahoClients::closeQuietly);
    pings.shutdownNow();
  }
}
