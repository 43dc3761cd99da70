package org.edgefleet.server.support;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * Many devices that each connect with their own id over real MQTT, publish one reported state and
 * leave (a clean disconnect, so no last will): how a registration flood or a large fleet looks to
 * the server.
 */
public final class ReportFlood {

  private ReportFlood() {}

  /** Publishes one report per id, a few connections at a time; returns when every broker acknowledged its report. */
  public static void report(String brokerUrl, Topics topics, List<String> ids, Function<String, Map<String, String>> labels,
      Function<String, List<ReportedState.ModelStatus>> models) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Object>> done = ids.stream().map(id -> pool.submit(() -> {
        ReportedState r = new ReportedState(MessageCodec.VERSION, id, "0.1.0", labels.apply(id), 0, models.apply(id), null,
            Instant.now(), new ReportedState.Capabilities("linux-x86_64", List.of("onnx"), null, null));
        publish(brokerUrl, topics.topic(id, TopicKind.REPORTED), id, MessageCodec.encode(r));
        return null;
      })).toList();
      for (Future<Object> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Publishes one payload as the device, QoS 1, not retained. */
  public static void publish(String brokerUrl, String topic, String deviceId, byte[] payload) throws Exception {
    MqttClient c = new MqttClient(brokerUrl, deviceId, new MemoryPersistence());
    c.setTimeToWait(10_000);
    MqttConnectOptions o = new MqttConnectOptions();
    o.setUserName(deviceId);
    o.setPassword(new char[0]); // the embedded broker refuses a login without a password field
    o.setCleanSession(true);
    c.connect(o);
    try {
      c.publish(topic, payload, 1, false);
      c.disconnect(1000);
    } finally {
      c.close(true);
    }
  }
}
