package org.edgefleet.bench.telemetry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.edgefleet.bench.Poll;
import org.edgefleet.bench.mqtt.PahoClients;

/**
 * K device clients on the broker, each publishing its own telemetry at QoS 1 with up to
 * {@code window} publishes awaiting the broker's acknowledgement, as the agent's outbox drains (with a smaller window).
 */
public final class TelemetryPublishers implements AutoCloseable {

  private final List<MqttAsyncClient> clients = new ArrayList<>();
  private final ScheduledExecutorService pings = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService senders;
  private final int window;
  private final AtomicLong acknowledged = new AtomicLong();

  private TelemetryPublishers(int devices, int window) {
    this.senders = Executors.newFixedThreadPool(devices);
    this.window = window;
  }

  /** Connects one client per device of the workload, with the device id as client id and user name. */
  public static TelemetryPublishers connect(String brokerUrl, TelemetryWorkload workload, int window) throws Exception {
    TelemetryPublishers p = new TelemetryPublishers(workload.byDevice().size(), window);
    try {
      List<String> ids = workload.byDevice().stream().map(messages -> messages.get(0).batch().deviceId()).toList();
      p.clients.addAll(PahoClients.connectDevices(brokerUrl, ids, window + 10, p.pings));
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
      Poll.untilReached("the broker to acknowledge every telemetry publish (an overloaded embedded Moquette drops "
          + "publishes it cannot queue, logging 'Session command queue ... is full')", workload.size(), timeout, stall,
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

  private void publish(MqttAsyncClient client, List<TelemetryWorkload.Message> messages) throws Exception {
    Semaphore free = new Semaphore(window);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    IMqttActionListener onAck = new IMqttActionListener() {
      @Override
      public void onSuccess(IMqttToken token) {
        acknowledged.incrementAndGet();
        free.release();
      }

      @Override
      public void onFailure(IMqttToken token, Throwable e) {
        failure.compareAndSet(null, e);
        free.release();
      }
    };
    for (TelemetryWorkload.Message m : messages) {
      free.acquire();
      if (failure.get() != null) {
        throw new IllegalStateException(client.getClientId() + ": a telemetry publish failed: " + failure.get(), failure.get());
      }
      MqttMessage message = new MqttMessage(m.payload());
      message.setQos(1);
      client.publish(m.topic(), message, null, onAck);
    }
    free.acquire(window);
    if (failure.get() != null) {
      throw new IllegalStateException(client.getClientId() + ": a telemetry publish failed: " + failure.get(), failure.get());
    }
  }

  @Override
  public void close() {
    senders.shutdownNow();
    clients.forEach(PahoClients::closeQuietly);
    pings.shutdownNow();
  }
}
