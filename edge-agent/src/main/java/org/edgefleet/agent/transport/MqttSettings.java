package org.edgefleet.agent.transport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link MqttTransport} connects. The client id and user name are the device id, because
 * the fleet's broker authorizes a device's topics by them.
 *
 * @param persistenceDir where Paho keeps in-flight QoS 1 messages of the persistent session
 * @param willTopic retained last will, published by the broker when the connection drops
 * @param maxInflight unacknowledged publishes Paho accepts at once
 * @param persistentSession whether the broker keeps the session (subscriptions, queued QoS 1
 *     messages) across disconnects
 */
public record MqttSettings(String serverUri, String clientId, String username, Path persistenceDir,
    String willTopic, byte[] willPayload, Duration keepAlive, Duration connectTimeout, int maxInflight,
    Backoff backoff, boolean persistentSession) {

  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_INFLIGHT = 128;

  public MqttSettings {
    Objects.requireNonNull(serverUri, "broker URL must not be null");
    if (!serverUri.startsWith("tcp://") && !serverUri.startsWith("ssl://")) {
      throw new IllegalArgumentException("broker URL '" + serverUri + "' must start with tcp:// or ssl://");
    }
    Objects.requireNonNull(clientId, "client id must not be null");
    Objects.requireNonNull(persistenceDir, "persistence directory must not be null");
    Objects.requireNonNull(backoff, "backoff must not be null");
    if (maxInflight < 10) {
      throw new IllegalArgumentException("maxInflight must be at least 10, was " + maxInflight);
    }
    if ((willTopic == null) != (willPayload == null)) {
      throw new IllegalArgumentException("last will needs both a topic and a payload");
    }
  }
}
