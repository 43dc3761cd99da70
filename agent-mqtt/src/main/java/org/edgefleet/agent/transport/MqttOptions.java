package org.edgefleet.agent.transport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.edgefleet.protocol.config.Setting;

/**
 * The MQTT transport's settings, set on the agent builder like the core's
 * ({@code builder.set(MqttOptions.BROKER_URL, "tcp://fleet:1883")}) and keys of the daemon's
 * config file. Listed in docs/agent.md.
 */
public final class MqttOptions {

  public static final Setting<String> BROKER_URL = Setting.of("brokerUrl", String.class, "tcp://127.0.0.1:1883",
      "MQTT broker, tcp://host:port or ssl://host:port.");
  public static final Setting<Duration> KEEP_ALIVE = Setting.of("keepAlive", Duration.class, Duration.ofSeconds(30),
      "MQTT keep-alive interval (whole seconds on the wire).");
  public static final Setting<Duration> CONNECT_TIMEOUT = Setting.of("connectTimeout", Duration.class, Duration.ofSeconds(10),
      "How long one connection attempt may wait for the broker's answer before it counts as failed.");
  public static final Setting<Integer> MAX_INFLIGHT = Setting.of("maxInflight", Integer.class, 128,
      "Unacknowledged MQTT publishes at once; at least chunkWindow + 10 (chunk requests share them).");
  /**
   * A clean session by default. The agent needs nothing a persistent session would keep: what it
   * sends waits in its outbox until acknowledged, the desired state is retained, and missing chunks
   * are requested again. A clean session also spares the broker a queue per offline device, and
   * Moquette 0.17 (the embedded broker) stops serving a group of clients when a reconnecting client
   * re-sends an unacknowledged QoS 1 message, which Paho does in a persistent session.
   */
  public static final Setting<Boolean> PERSISTENT_SESSION = Setting.of("persistentSession", Boolean.class, false,
      "Whether the broker keeps the agent's MQTT session across disconnects (off: the outbox re-sends instead).");

  public static final Setting<Path> TLS_CA = Setting.of("tlsCa", Path.class, null,
      "PEM file of the CA the broker's certificate must chain to (the fleet CA, GET /api/v1/enrollment/ca); unset with ssl://, the JVM's default trust.");
  public static final Setting<Path> TLS_CERTIFICATE = Setting.of("tlsCertificate", Path.class, null,
      "PEM file of the device certificate presented to the broker (ssl:// with tlsCa); read again when it changes, at the next connection.");
  public static final Setting<Path> TLS_KEY = Setting.of("tlsKey", Path.class, null,
      "PEM file (PKCS#8) of the device certificate's private key.");

  public static final List<Setting<?>> ALL = List.of(BROKER_URL, KEEP_ALIVE, CONNECT_TIMEOUT, MAX_INFLIGHT,
      PERSISTENT_SESSION, TLS_CA, TLS_CERTIFICATE, TLS_KEY);

  private MqttOptions() {}
}
