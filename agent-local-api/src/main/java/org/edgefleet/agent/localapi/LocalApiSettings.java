package org.edgefleet.agent.localapi;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.edgefleet.protocol.config.DurationText;
import org.edgefleet.protocol.config.Setting;

/**
 * The local endpoint's settings: the daemon config's {@code localApi} block, one key per setting
 * of {@link #ALL} (docs/local-api.md). The endpoint listens only where told: on {@code tcpPort}
 * of a loopback address, on {@code unixSocket}, or both. Every limit is bounded by default so
 * that a misbehaving caller on the device cannot take the agent's memory or threads.
 */
public record LocalApiSettings(Integer tcpPort, String tcpHost, boolean allowNonLoopback, Path unixSocket,
    SocketAccess socketAccess, String socketGroup, int maxConnections, int workers, int queuedRequests,
    long maxBodyBytes, long bodyBudgetBytes, int maxHeaderBytes, int maxHeaders, Duration requestTimeout,
    Duration idleTimeout, Duration writeTimeout) {

  public static final Setting<Integer> TCP_PORT = Setting.of("tcpPort", Integer.class, null,
      "TCP port to listen on (0: any free port); absent: no TCP listener.");
  public static final Setting<String> TCP_HOST = Setting.of("tcpHost", String.class, "127.0.0.1",
      "Address of the TCP listener; must be a loopback address unless allowNonLoopback.");
  public static final Setting<Boolean> ALLOW_NON_LOOPBACK = Setting.of("allowNonLoopback", Boolean.class, false,
      "Lets tcpHost be a non-loopback address (the network can then call the models).");
  public static final Setting<Path> UNIX_SOCKET = Setting.of("unixSocket", Path.class, null,
      "Path of the Unix domain socket; absent: no socket.");
  public static final Setting<String> SOCKET_ACCESS = Setting.of("socketAccess", String.class, "owner",
      "Who may connect to the socket: owner (mode 0600) or group (0660).");
  public static final Setting<String> SOCKET_GROUP = Setting.of("socketGroup", String.class, null,
      "Group to give the socket file (with group access); absent: the agent's own group.");
  public static final Setting<Integer> MAX_CONNECTIONS = Setting.of("maxConnections", Integer.class, 32,
      "Open connections at once; more are answered 503 and closed.");
  public static final Setting<Integer> WORKERS = Setting.of("workers", Integer.class, 2,
      "Threads that run requests (parsing, predict, encoding), off the selector thread.");
  public static final Setting<Integer> QUEUED_REQUESTS = Setting.of("queuedRequests", Integer.class, 16,
      "Requests waiting for a worker; more are answered 503.");
  public static final Setting<Long> MAX_BODY_BYTES = Setting.of("maxBodyBytes", Long.class, 4L << 20,
      "Largest request body (and largest unpacked npz), in bytes; larger ones are answered 413.");
  public static final Setting<Long> BODY_BUDGET_BYTES = Setting.of("bodyBudgetBytes", Long.class, 16L << 20,
      "Request bodies held in memory at once over all connections, in bytes; beyond it 503.");
  public static final Setting<Integer> MAX_HEADER_BYTES = Setting.of("maxHeaderBytes", Integer.class, 8192,
      "Largest request line plus headers, in bytes; larger ones are answered 431.");
  public static final Setting<Integer> MAX_HEADERS = Setting.of("maxHeaders", Integer.class, 64,
      "Most header lines in a request; more are answered 431.");
  public static final Setting<Duration> REQUEST_TIMEOUT = Setting.of("requestTimeout", Duration.class,
      Duration.ofSeconds(10), "Time to receive a whole request once its first byte came; then 408.");
  public static final Setting<Duration> IDLE_TIMEOUT = Setting.of("idleTimeout", Duration.class,
      Duration.ofSeconds(30), "Time a connection may stay open without a request.");
  public static final Setting<Duration> WRITE_TIMEOUT = Setting.of("writeTimeout", Duration.class,
      Duration.ofSeconds(10), "Time a caller has to read a response.");

  /** Every key of the {@code localApi} block. */
  public static final List<Setting<?>> ALL = List.of(TCP_PORT, TCP_HOST, ALLOW_NON_LOOPBACK, UNIX_SOCKET, SOCKET_ACCESS,
      SOCKET_GROUP, MAX_CONNECTIONS, WORKERS, QUEUED_REQUESTS, MAX_BODY_BYTES, BODY_BUDGET_BYTES, MAX_HEADER_BYTES,
      MAX_HEADERS, REQUEST_TIMEOUT, IDLE_TIMEOUT, WRITE_TIMEOUT);

  /** Who may connect to the Unix socket: the file's mode decides it. */
  public enum SocketAccess {
    /** Mode 0600: the agent's user only. */
    OWNER,
    /** Mode 0660: also the socket file's group. */
    GROUP;

    static SocketAccess of(String name) {
      for (SocketAccess a : values()) {
        if (a.name().equalsIgnoreCase(name)) {
          return a;
        }
      }
      throw new IllegalArgumentException("localApi." + SOCKET_ACCESS.name() + " '" + name + "' must be 'owner' or 'group'");
    }
  }

  public LocalApiSettings {
    Objects.requireNonNull(tcpHost, "localApi.tcpHost must not be null");
    Objects.requireNonNull(socketAccess, "localApi.socketAccess must not be null");
    positive(MAX_CONNECTIONS, maxConnections);
    positive(WORKERS, workers);
    positive(QUEUED_REQUESTS, queuedRequests);
    positive(MAX_BODY_BYTES, maxBodyBytes);
    positive(BODY_BUDGET_BYTES, bodyBudgetBytes);
    positive(MAX_HEADER_BYTES, maxHeaderBytes);
    positive(MAX_HEADERS, maxHeaders);
    positive(REQUEST_TIMEOUT, requestTimeout);
    positive(IDLE_TIMEOUT, idleTimeout);
    positive(WRITE_TIMEOUT, writeTimeout);
    if (tcpPort == null && unixSocket == null) {
      throw new IllegalArgumentException("localApi needs tcpPort, unixSocket or both (remove the block to turn it off)");
    }
    if (tcpPort != null && (tcpPort < 0 || tcpPort > 65535)) {
      throw new IllegalArgumentException("localApi.tcpPort " + tcpPort + " must be 0-65535 (0: any free port)");
    }
    if (bodyBudgetBytes < maxBodyBytes) {
      throw new IllegalArgumentException("localApi.bodyBudgetBytes " + bodyBudgetBytes
          + " must be at least maxBodyBytes " + maxBodyBytes + ", or no body of the largest size could be taken");
    }
    if (maxBodyBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("localApi.maxBodyBytes " + maxBodyBytes + " must be below 2 GiB");
    }
    if (tcpPort != null) {
      requireLoopbackUnlessAllowed(tcpHost, allowNonLoopback);
    }
  }

  /**
   * The settings {@code values} holds, every other at its default: how the daemon builds them
   * from its config's {@code localApi} block, already typed and with paths resolved.
   */
  public static LocalApiSettings of(Map<Setting<?>, ?> values) {
    for (Setting<?> s : values.keySet()) {
      if (!ALL.contains(s)) {
        throw new IllegalArgumentException(s.name() + " is not a setting of localApi (docs/local-api.md lists them)");
      }
    }
    return new LocalApiSettings(get(values, TCP_PORT), get(values, TCP_HOST), get(values, ALLOW_NON_LOOPBACK),
        get(values, UNIX_SOCKET), SocketAccess.of(get(values, SOCKET_ACCESS)), get(values, SOCKET_GROUP),
        get(values, MAX_CONNECTIONS), get(values, WORKERS), get(values, QUEUED_REQUESTS), get(values, MAX_BODY_BYTES),
        get(values, BODY_BUDGET_BYTES), get(values, MAX_HEADER_BYTES), get(values, MAX_HEADERS),
        get(values, REQUEST_TIMEOUT), get(values, IDLE_TIMEOUT), get(values, WRITE_TIMEOUT));
  }

  /** Settings that listen only where given (either may be null), with every default. */
  public static LocalApiSettings listening(Integer tcpPort, Path unixSocket) {
    Map<Setting<?>, Object> values = new HashMap<>();
    if (tcpPort != null) {
      values.put(TCP_PORT, tcpPort);
    }
    if (unixSocket != null) {
      values.put(UNIX_SOCKET, unixSocket);
    }
    return of(values);
  }

  private static <T> T get(Map<Setting<?>, ?> values, Setting<T> setting) {
    return values.containsKey(setting) ? setting.cast(values.get(setting)) : setting.defaultValue();
  }

  private static void requireLoopbackUnlessAllowed(String host, boolean allowed) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("localApi.tcpHost '" + host + "' does not resolve", e);
    }
    if (!address.isLoopbackAddress() && !allowed) {
      throw new IllegalArgumentException("localApi.tcpHost '" + host + "' is not a loopback address: every host on the"
          + " network could call the models. Use 127.0.0.1, or set allowNonLoopback to true if that is intended");
    }
  }

  private static void positive(Setting<?> setting, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException("localApi." + setting.name() + " must be positive, was " + value);
    }
  }

  private static void positive(Setting<?> setting, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException("localApi." + setting.name() + " must be more than 0, was " + (value == null ? null : DurationText.format(value)));
    }
  }
}
