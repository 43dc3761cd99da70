package org.edgefleet.bench.telemetry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.zip.CRC32C;
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

  /** How long delivery took, and how many publishes went again after missing their acknowledgement deadline. */
  record Delivered(Duration time, long resent) {}

  static Delivered run(Path dir, TelemetryWorkload workload, int window, Duration timeout, Duration stall) throws Exception {
    Topics topics = Topics.defaults();
    ScheduledExecutorService pings = Executors.newSingleThreadScheduledExecutor();
    EmbeddedBroker.Options options = new EmbeddedBroker.Options("127.0.0.1", 0, dir, MAX_PACKET, topics, "fleet-server", PASSWORD);
    try (EmbeddedBroker broker = EmbeddedBroker.start(options)) {
      // A publish sent again after a lost acknowledgement may arrive twice: each message counts once.
      Set<Long> received = ConcurrentHashMap.newKeySet();
      MqttAsyncClient sink = PahoClients.connect(broker.url(), "bench-sink", EmbeddedBroker.serverUsername(), PASSWORD,
          1000, pings);
      try (TelemetryPublishers publishers = TelemetryPublishers.connect(broker.url(), workload, window)) {
        sink.setCallback(new Counter(received));
        sink.subscribe(topics.allDevices(TopicKind.TELEMETRY), 1).waitForCompletion(30_000);
        long start = System.nanoTime();
        publishers.publishAll(workload, timeout, stall);
        Poll.untilReached("the subscriber to receive every telemetry message", workload.size(), timeout, stall,
            Duration.ofMillis(10), () -> (long) received.size());
        return new Delivered(Duration.ofNanos(System.nanoTime() - start), publishers.resent());
      } finally {
        PahoClients.closeQuietly(sink);
      }
    } finally {
      pings.shutdownNow();
    }
  }

  private record Counter(Set<Long> received) implements MqttCallback {
    @Override
    public void messageArrived(String topic, MqttMessage message) {
      byte[] payload = message.getPayload();
      CRC32C crc = new CRC32C();
      crc.update(payload);
      // 64 bits of the topic and payload: no two of 100,000 distinct messages are expected to collide.
      received.add((long) (31 * topic.hashCode() + Arrays.hashCode(payload)) << 32 | crc.getValue());
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
