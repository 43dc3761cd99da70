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

  /**
   * How to run the broker.
   *
   * @param port 0 picks a free port at first start; later starts reuse it
   * @param persistenceDir where retained messages and sessions are kept, or null to keep them in memory
   * @param maxPacketSize largest MQTT packet accepted
   */
  public record Options(String host, int port, Path persistenceDir, int maxPacketSize, Topics topics, String serverPassword) {
    public Options {
      Objects.requireNonNull(host, "host must not be null");
      Objects.requireNonNull(topics, "topics must not be null");
      Objects.requireNonNull(serverPassword, "serverPassword must not be null");
    }
  }

  static final long MIN_RESTART_INTERVAL_MILLIS = 5_000;

  private final Options options;
  private final BrokerAcl acl;
  private final ScheduledExecutorService watchdog = ThreadPools.scheduled("fleet-broker-watch");
  private int port;
  private Server server;
  private long lastStartMillis;
  private int restarts;

  private EmbeddedBroker(Options options) {
    this.options = options;
    this.acl = new BrokerAcl(options.topics(), options.serverPassword());
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
    try {
      s.startServer(config(), List.of(new SessionLoopWatch(() -> restartLater(s))), null, acl, acl);
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
    return "tcp://" + host + ":" + port;
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
    stop();
  }

  private IConfig config() throws IOException {
    FluentConfig fluent = new FluentConfig().host(options.host()).port(port).disableTelemetry();
    if (options.persistenceDir() != null) {
      fluent.dataPath(Files.createDirectories(options.persistenceDir())).enablePersistence();
    } else {
      fluent.disablePersistence();
    }
    IConfig config = fluent.build();
    config.setProperty(BrokerConstants.NETTY_MAX_BYTES_PROPERTY_NAME, Integer.toString(options.maxPacketSize()));
    // Anonymous clients pass login but the authorizer gives them nothing (no user name, no topic).
    config.setProperty(BrokerConstants.ALLOW_ANONYMOUS_PROPERTY_NAME, "true");
    config.setProperty(BrokerConstants.ALLOW_ZERO_BYTE_CLIENT_ID_PROPERTY_NAME, "false");
    config.setProperty(BrokerConstants.WEB_SOCKET_PORT_PROPERTY_NAME, BrokerConstants.DISABLED_PORT_BIND);
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
