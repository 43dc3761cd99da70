package org.edgefleet.agent.transport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLSocketFactory;
import org.edgefleet.agent.AgentConfig;
import org.edgefleet.agent.AgentSettings;
import org.edgefleet.protocol.config.Setting;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * The agent's MQTT transport: {@code EdgeAgent.builder().transport(new MqttTransportFactory())}.
 * The device id is the client id and user name (the broker authorizes a device's topics by
 * them), the retained last will marks the device offline, and the session store is
 * {@code dataDir/mqtt}. Reads {@link MqttOptions} from the agent's settings.
 */
public final class MqttTransportFactory implements TransportFactory {

  /** Chunk requests and the outbox's window share the in-flight publishes with telemetry and reports. */
  private static final int INFLIGHT_HEADROOM = 10;

  @Override
  public Transport create(AgentConfig config, ScheduledExecutorService scheduler) {
    int maxInflight = config.get(MqttOptions.MAX_INFLIGHT);
    if (maxInflight < config.chunkWindow() + INFLIGHT_HEADROOM) {
      throw new IllegalArgumentException(MqttOptions.MAX_INFLIGHT.name() + " must be at least "
          + AgentSettings.CHUNK_WINDOW.name() + " + " + INFLIGHT_HEADROOM + " (" + (config.chunkWindow() + INFLIGHT_HEADROOM)
          + "), was " + maxInflight);
    }
    requirePositive(config, MqttOptions.KEEP_ALIVE);
    requirePositive(config, MqttOptions.CONNECT_TIMEOUT);
    String id = config.deviceId();
    String statusTopic = new Topics(config.topicPrefix()).topic(id, TopicKind.STATUS);
    MqttSettings settings = new MqttSettings(config.get(MqttOptions.BROKER_URL), id, id, null, config.dataDir().resolve("mqtt"),
        statusTopic, MessageCodec.encode(DeviceStatus.of(DeviceStatus.State.OFFLINE)), config.get(MqttOptions.KEEP_ALIVE),
        config.get(MqttOptions.CONNECT_TIMEOUT), maxInflight, config.backoff(), config.get(MqttOptions.PERSISTENT_SESSION),
        tlsSockets(config));
    return new MqttTransport(settings, scheduler);
  }

  // The fleet CA for the broker's certificate and, once enrolled, the device's own certificate.
  private static SSLSocketFactory tlsSockets(AgentConfig config) {
    Path ca = config.get(MqttOptions.TLS_CA);
    if (ca == null) {
      if (config.get(MqttOptions.TLS_CERTIFICATE) != null) {
        throw new IllegalArgumentException(MqttOptions.TLS_CERTIFICATE.name() + " needs " + MqttOptions.TLS_CA.name()
            + ", the CA the broker's certificate chains to");
      }
      return null;
    }
    if (!config.get(MqttOptions.BROKER_URL).startsWith("ssl://")) {
      throw new IllegalArgumentException(MqttOptions.TLS_CA.name() + " needs an ssl:// " + MqttOptions.BROKER_URL.name()
          + ", was " + config.get(MqttOptions.BROKER_URL));
    }
    return DeviceTls.sockets(ca, config.get(MqttOptions.TLS_CERTIFICATE), config.get(MqttOptions.TLS_KEY));
  }

  private static void requirePositive(AgentConfig config, Setting<Duration> setting) {
    Duration d = config.get(setting);
    if (d == null || d.isNegative() || d.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(setting.name() + " must be at least 1s, was " + d);
    }
  }
}
