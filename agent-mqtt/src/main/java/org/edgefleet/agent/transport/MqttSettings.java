package org.edgefleet.agent.transport;

import org.edgefleet.protocol.retry.Backoff;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLSocketFactory;

/**
 * How one {@link MqttTransport} connects, as {@link MqttTransportFactory} derives it from the
 * agent's settings ({@link MqttOptions}) and identity. The client id and user name are the device id, because
 * the fleet's broker authorizes a device's topics by them.
 *
 * @param password sent with the user name; null sends an empty one (the fleet's embedded broker
 *     refuses a login without a password flag, and does not check a device's password until
 *     device certificates arrive)
 * @param persistenceDir where Paho keeps in-flight QoS 1 messages of the persistent session
 * @param willTopic retained last will, published by the broker when the connection drops
 * @param maxInflight unacknowledged publishes Paho accepts at once
 * @param persistentSession whether the broker keeps the session (subscriptions, queued QoS 1
 *     messages) across disconnects
 * @param tlsSockets the sockets of an ssl:// URL ({@link DeviceTls}), or null for the JVM's default
 */
public record MqttSettings(String serverUri, String clientId, String username, String password, Path persistenceDir,
    String willTopic, byte[] willPayload, Duration keepAlive, Duration connectTimeout, int maxInflight,
    Backoff backoff, boolean persistentSession, SSLSocketFactory tlsSockets) {

  /** Without TLS sockets of its own. */
  public MqttSettings(String serverUri, String clientId, String username, String password, Path persistenceDir,
      String willTopic, byte[] willPayload, Duration keepAlive, Duration connectTimeout, int maxInflight,
      Backoff backoff, boolean persistentSession) {
    this(serverUri, clientId, username, password, persistenceDir, willTopic, willPayload, keepAlive, connectTimeout,
        maxInflight, backoff, persistentSession, null);
  }

  public MqttSettings {
    Objects.requireNonNull(serverUri, "broker URL must not be null");
    if (!serverUri.startsWith("tcp://") && !serverUri.startsWith("ssl://")) {
      throw new IllegalArgumentException("broker URL '" + serverUri + "' must start with tcp:// or ssl://");
    }
    Objects.requireNonNull(clientId, "client id must not be null");
    password = password == null ? "" : password;
    Objects.requireNonNull(persistenceDir, "persistence directory must not be null");
    Objects.requireNonNull(backoff, "backoff must not be null");
    if (maxInflight < 10) {
      throw new IllegalArgumentException("maxInflight must be at least 10, was " + maxInflight);
    }
    if (tlsSockets != null && !serverUri.startsWith("ssl://")) {
      throw new IllegalArgumentException("TLS settings need an ssl:// broker URL, was '" + serverUri + "'");
    }
    if ((willTopic == null) != (willPayload == null)) {
      throw new IllegalArgumentException("last will needs both a topic and a payload");
    }
  }
}
