package org.edgefleet.agent.testkit;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Properties;

/** A real Moquette broker on loopback, in memory; {@link #restart()} keeps the port. */
public final class TestBroker implements AutoCloseable {

  private final int maxMessageBytes;
  private Server server;
  private int port;

  private TestBroker(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  public static TestBroker start() throws IOException {
    return start(256 * 1024);
  }

  public static TestBroker start(int maxMessageBytes) throws IOException {
    TestBroker b = new TestBroker(maxMessageBytes);
    b.startOn(freePort());
    return b;
  }

  public String url() {
    return "tcp://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public void stop() {
    if (server != null) {
      server.stopServer();
      server = null;
    }
  }

  public void restart() throws IOException {
    stop();
    startOn(port);
  }

  private void startOn(int wanted) throws IOException {
    Properties p = new Properties();
    p.setProperty("host", "127.0.0.1");
    p.setProperty("port", Integer.toString(wanted));
    p.setProperty("allow_anonymous", "true");
    p.setProperty("netty.mqtt.message_size", Integer.toString(maxMessageBytes));
    p.setProperty("persistence_enabled", "false");
    p.setProperty("telemetry_enabled", "false");
    p.setProperty("immediate_buffer_flush", "true");
    p.setProperty("websocket_port", "disabled");
    Server s = new Server();
    s.startServer(new MemoryConfig(p));
    server = s;
    port = wanted;
  }

  // Moquette's own getPort() is racy when asked for port 0, so the port is chosen here.
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Stops the broker in the background: Netty's graceful shutdown waits a quiet period of about
   * two seconds, which tests need not sit through. The port is not reused.
   */
  @Override
  public void close() {
    Server s = server;
    server = null;
    if (s != null) {
      Thread stopper = new Thread(s::stopServer, "test-broker-stop");
      stopper.setDaemon(true);
      stopper.start();
    }
  }
}
