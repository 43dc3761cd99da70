package org.edgefleet.server.broker;

import io.moquette.BrokerConstants;
import io.moquette.broker.Server;
import io.moquette.broker.config.FluentConfig;
import io.moquette.broker.config.IConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import io.moquette.broker.ISslContextCreator;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.server.ThreadPools;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded MQTT 3.1.1 broker (Moquette) with the fleet's access rules. It can be stopped and
 * started again on the same port, which tests use to cut the server off in the middle of a
 * transfer; with persistence on, retained desired states and sessions survive that.
 *
 * <p>When one of Moquette's session loops dies (see {@link SessionLoopWatch}) the broker restarts
 * itself, at most once per {@link #MIN_RESTART_INTERVAL_MILLIS}: clients reconnect, instead of the
 * clients on that loop being silently stuck until an operator restarts the server.
 */
public final class EmbeddedBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
  private static final LiveConnections LIVE = LiveConnections.forMoquette();

  /**
   * How to run the broker.
   *
   * @param port 0 picks a free port at first start; later starts reuse it
   * @param persistenceDir where retained messages and sessions are kept, or null to keep them in memory
   * @param maxPacketSize largest MQTT packet accepted
   * @param tls null for plain TCP; otherwise the port serves TLS only, client certificates required
   * @param revoked device ids refused on any listener
   * @param sessionQueueSize commands each of Moquette's session loops may queue; when one is full
   *     Moquette drops a publish or an acknowledgement without answering
   * @param bundleReaders whether a device (first) may subscribe to the broadcast topic of a bundle
   *     digest (second): its current desired state names it and broadcasts are on
   */
  public record Options(String host, int port, Path persistenceDir, int maxPacketSize, Topics topics, String serverClientId,
      String serverPassword, BrokerTls tls, Predicate<String> revoked, int sessionQueueSize,
      BiPredicate<String, String> bundleReaders) {
    public Options {
      Objects.requireNonNull(host, "host must not be null");
      Objects.requireNonNull(topics, "topics must not be null");
      Objects.requireNonNull(serverClientId, "serverClientId must not be null");
      Objects.requireNonNull(serverPassword, "serverPassword must not be null");
      Objects.requireNonNull(revoked, "revoked must not be null");
      Objects.requireNonNull(bundleReaders, "bundleReaders must not be null");
      if (sessionQueueSize < 1) {
        throw new IllegalArgumentException("sessionQueueSize must be positive, was " + sessionQueueSize);
      }
    }

    /** Plain TCP, no device revoked, Moquette's default session queues, no bundle broadcast readable. */
    public Options(String host, int port, Path persistenceDir, int maxPacketSize, Topics topics, String serverClientId,
        String serverPassword) {
      this(host, port, persistenceDir, maxPacketSize, topics, serverClientId, serverPassword, null, id -> false,
          DEFAULT_SESSION_QUEUE_SIZE, (id, digest) -> false);
    }
  }

  /** Moquette 0.17's own default. */
  public static final int DEFAULT_SESSION_QUEUE_SIZE = 1024;

  static final long MIN_RESTART_INTERVAL_MILLIS = 5_000;

  private final Options options;
  private final ClientIdClaims claims = new ClientIdClaims(System::currentTimeMillis);
  private final BrokerAcl acl;
  private final ScheduledExecutorService watchdog = ThreadPools.scheduled("fleet-broker-watch");
  private int port;
  private Server server;
  private long lastStartMillis;
  private int restarts;

  private EmbeddedBroker(Options options) {
    this.options = options;
    this.acl = new BrokerAcl(options.topics(), options.serverClientId(), options.serverPassword(), claims, options.tls(),
        options.revoked(), options.bundleReaders());
    this.port = options.port();
  }

  public static EmbeddedBroker start(Options options) throws IOException {
    EmbeddedBroker b = new EmbeddedBroker(options);
    b.start();
    return b;
  }

  /** The user name the server's own client must use. */
  public static String serverUsername() {
    return BrokerAcl.SERVER_USERNAME;
  }

  /** Starts the broker (again) on its port. */
  public synchronized void start() throws IOException {
    if (server != null) {
      return;
    }
    if (port == 0) {
      port = freePort(options.host());
    }
    Server s = new Server();
    claims.clear();
    claims.checkConnectionsWith(id -> LIVE.isLive(s, id));
    try {
      BrokerTls tls = options.tls();
      ISslContextCreator sslContexts = tls == null ? null : tls::nettyContext;
      s.startServer(config(), List.of(new SessionLoopWatch(() -> restartLater(s)), claims), sslContexts, acl, acl);
    } catch (RuntimeException e) {
      s.stopServer();
      throw new IOException("the embedded MQTT broker cannot listen on " + options.host() + ":" + port + " (" + e.getMessage()
          + "): choose another --mqtt-port or stop what uses it", e);
    }
    server = s;
    lastStartMillis = System.currentTimeMillis();
    LOG.debug("event=broker_started port={}", port);
  }

  /** Stops the broker; clients are disconnected. */
  public synchronized void stop() {
    if (server != null) {
      server.stopServer();
      server = null;
      LOG.debug("event=broker_stopped port={}", port);
    }
  }

  private void restartLater(Server crashed) {
    long wait;
    synchronized (this) {
      wait = Math.max(0, lastStartMillis + MIN_RESTART_INTERVAL_MILLIS - System.currentTimeMillis());
    }
    LOG.error("event=broker_session_loop_died action=restart delay_ms={} port={}", wait, port);
    try {
      watchdog.schedule(() -> restart(crashed), wait, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // The broker is being closed: nothing to restart.
    }
  }

  private synchronized void restart(Server crashed) {
    if (server != crashed) {
      return; // stopped or restarted meanwhile
    }
    stop();
    try {
      start();
      restarts++;
    } catch (IOException e) {
      LOG.error("event=broker_restart_failed port={} reason=\"{}\"", port, e.getMessage());
    }
  }

  /** Disconnects a device now (it was revoked: its next login is refused too); false when it was not connected. */
  public synchronized boolean disconnect(String deviceId) {
    return server != null && server.disconnectClient(deviceId);
  }

  /** Logins refused because their client id was connected already (a takeover attempt or a stale reconnect). */
  public long refusedTakeovers() {
    return claims.refusedTakeovers();
  }

  /** Logins refused for their credentials: no user name, a user name that is not the client id, the server's names. */
  public long refusedLogins() {
    return acl.refusedLogins();
  }

  /** How often the broker restarted itself after a session loop died. */
  public synchronized int restarts() {
    return restarts;
  }

  public int port() {
    return port;
  }

  /** The URL clients on this machine use. */
  public String url() {
    String host = options.host().equals("0.0.0.0") ? "127.0.0.1" : options.host();
    return (options.tls() == null ? "tcp://" : "ssl://") + host + ":" + port;
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
    stop();
  }

  private IConfig config() throws IOException {
    FluentConfig fluent = new FluentConfig().host(options.host()).disableTelemetry();
    // With TLS every listener is TLS: PeerBoundEngine relies on it to tell connections apart.
    if (options.tls() == null) {
      fluent.port(port);
    }
    if (options.persistenceDir() != null) {
      fluent.dataPath(Files.createDirectories(options.persistenceDir())).enablePersistence();
    } else {
      fluent.disablePersistence();
    }
    IConfig config = fluent.build();
    config.setProperty(BrokerConstants.NETTY_MAX_BYTES_PROPERTY_NAME, Integer.toString(options.maxPacketSize()));
    // Every login names itself: the server with its password, a device with user name = client id.
    config.setProperty(BrokerConstants.ALLOW_ANONYMOUS_PROPERTY_NAME, "false");
    config.setProperty(BrokerConstants.ALLOW_ZERO_BYTE_CLIENT_ID_PROPERTY_NAME, "false");
    config.setProperty(BrokerConstants.WEB_SOCKET_PORT_PROPERTY_NAME, BrokerConstants.DISABLED_PORT_BIND);
    config.setProperty(BrokerConstants.SESSION_QUEUE_SIZE, Integer.toString(options.sessionQueueSize()));
    if (options.tls() != null) {
      config.setProperty(BrokerConstants.PORT_PROPERTY_NAME, BrokerConstants.DISABLED_PORT_BIND);
      config.setProperty(BrokerConstants.SSL_PORT_PROPERTY_NAME, Integer.toString(port));
      config.setProperty(BrokerConstants.NEED_CLIENT_AUTH, "true");
    }
    return config;
  }

  // Moquette does not report the port it bound when asked for port 0, so pick one first.
  private static int freePort(String host) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + host, e);
    }
  }
}
