package org.edgefleet.bench.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.edgefleet.bench.Poll;
import org.edgefleet.bench.mqtt.PahoClients;
import org.edgefleet.fault.Direction;
import org.edgefleet.fault.MqttFaultProxy;
import org.edgefleet.fault.PacketType;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.server.broker.EmbeddedBroker;
import org.junit.jupiter.api.Test;

/**
 * Publishes whose acknowledgements the broker never sends (lost on the way here, as an overloaded
 * Moquette withholds them) are sent again after the ack deadline, and publishing finishes with every
 * message at the subscriber; without the re-send the publishers waited for those acknowledgements
 * until the stall timeout.
 */
class TelemetryPublishersTest {

  private static final String PASSWORD = "publishers-test-password";
  private static final int LOST = 3;

  @Test
  void publishesWhoseAcknowledgementsAreLostAreSentAgainAndEveryMessageArrives() throws Exception {
    Topics topics = Topics.defaults();
    TelemetryWorkload workload = TelemetryWorkload.create(topics, "pub", 3, 60, 7);
    ScheduledExecutorService pings = Executors.newSingleThreadScheduledExecutor();
    Set<String> received = ConcurrentHashMap.newKeySet();
    try (EmbeddedBroker broker = EmbeddedBroker.start(new EmbeddedBroker.Options("127.0.0.1", 0, null, 256 * 1024, topics,
            "fleet-server", PASSWORD));
         MqttFaultProxy proxy = MqttFaultProxy.start(broker.port())) {
      MqttAsyncClient sink = PahoClients.connect(broker.url(), "test-sink", EmbeddedBroker.serverUsername(), PASSWORD, 100, pings);
      try (TelemetryPublishers publishers = TelemetryPublishers.connect(proxy.url(), workload, 2)) {
        sink.setCallback(new MqttCallback() {
          @Override
          public void messageArrived(String topic, MqttMessage message) {
            received.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
          }

          @Override
          public void connectionLost(Throwable cause) {}

          @Override
          public void deliveryComplete(IMqttDeliveryToken token) {}
        });
        sink.subscribe(topics.allDevices(TopicKind.TELEMETRY), 1).waitForCompletion(30_000);
        proxy.lose(Direction.TO_CLIENT, PacketType.PUBACK, LOST);

        publishers.publishAll(workload, Duration.ofSeconds(60), Duration.ofSeconds(30));

        assertThat(proxy.lost()).isEqualTo(LOST);
        assertThat(publishers.resent()).isGreaterThanOrEqualTo(LOST);
        Poll.untilReached("the subscriber to receive every message", workload.size(), Duration.ofSeconds(30),
            Duration.ofSeconds(30), Duration.ofMillis(20), () -> (long) received.size());
        assertThat(received).hasSize(workload.size());
      } finally {
        PahoClients.closeQuietly(sink);
      }
    } finally {
      pings.shutdownNow();
    }
  }
}
