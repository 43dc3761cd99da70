package org.edgefleet.bench.telemetry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.edgefleet.bench.Poll;
import org.edgefleet.bench.mqtt.PahoClients;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.server.broker.EmbeddedBroker;

/**
 * Where the telemetry benchmark's time goes: the same messages from the same device clients through
 * the server's embedded broker (same class, same settings, a fresh instance) to one plain Paho
 * subscriber that only counts them, subscribed as the server is. No server behind it.
 */
final class BrokerOnlyDelivery {

  private static final String PASSWORD = "benchmark-only-broker-password";
  private static final int MAX_PACKET = 256 * 1024;

  private BrokerOnlyDelivery() {}

  static Duration run(Path dir, TelemetryWorkload workload, int window, Duration timeout, Duration stall) throws Exception {
    Topics topics = Topics.defaults();
    ScheduledExecutorService pings = Executors.newSingleThreadScheduledExecutor();
    EmbeddedBroker.Options options = new EmbeddedBroker.Options("127.0.0.1", 0, dir, MAX_PACKET, topics, "fleet-server", PASSWORD);
    try (EmbeddedBroker broker = EmbeddedBroker.start(options)) {
      AtomicLong received = new AtomicLong();
      MqttAsyncClient sink = PahoClients.connect(broker.url(), "bench-sink", EmbeddedBroker.serverUsername(), PASSWORD,
          1000, pings);
      try (TelemetryPublishers publishers = TelemetryPublishers.connect(broker.url(), workload, window)) {
        sink.setCallback(new Counter(received));
        sink.subscribe(topics.allDevices(TopicKind.TELEMETRY), 1).waitForCompletion(30_000);
        long start = System.nanoTime();
        publishers.publishAll(workload, timeout, stall);
        Poll.untilReached("the subscriber to receive every telemetry message", workload.size(), timeout, stall,
            Duration.ofMillis(10), received::get);
        return Duration.ofNanos(System.nanoTime() - start);
      } finally {
        PahoClients.closeQuietly(sink);
      }
    } finally {
      pings.shutdownNow();
    }
  }

  private record Counter(AtomicLong received) implements MqttCallback {
    @Override
    public void messageArrived(String topic, MqttMessage message) {
      received.incrementAndGet();
    }

    @Override
    public void connectionLost(Throwable cause) {
      // The wait then stalls and fails, saying how many messages arrived.
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
      // The subscriber publishes nothing.
    }
  }
}
