package org.edgefleet.scenario;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker on a loopback port, started from the Debian package's binary with a
 * config file of its own. It can be stopped and started again on the same port.
 */
final class MosquittoBroker implements AutoCloseable {

  private final Path dir;
  private final int port;
  private Process process;

  private MosquittoBroker(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  static MosquittoBroker start(Path dir) throws IOException, InterruptedException {
    MosquittoBroker broker = new MosquittoBroker(dir, freePort());
    broker.start();
    return broker;
  }

  static String binary() {
    for (String candidate : new String[] {"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"}) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new IllegalStateException("mosquitto is not installed: apt-get install -y mosquitto (.ci/run does this)");
  }

  void start() throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path conf = dir.resolve("mosquitto.conf");
    // max_queued_messages 0: the default of 1000 silently drops queued QoS 1 messages in a burst.
    Files.writeString(conf, String.join("\n",
        "listener " + port + " 127.0.0.1",
        // Run as root it would switch to the mosquitto user, which cannot write into the test's directory.
        "user " + System.getProperty("user.name"),
        "allow_anonymous true",
        "persistence true",
        "persistence_location " + dir.toAbsolutePath() + "/",
        "max_queued_messages 0",
        "max_inflight_messages 0",
        "log_dest file " + dir.toAbsolutePath().resolve("mosquitto.log"),
        ""));
    process = new ProcessBuilder(binary(), "-c", conf.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("stdout.log").toFile())
        .start();
    waitForPort();
  }

  /** Stops the broker cleanly (SIGTERM): it writes its persistence file, sessions and retained messages survive. */
  void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      process = null;
    }
  }

  /** Stops the broker the hard way (SIGKILL), as a crash or a power cut would: nothing is saved. */
  void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      process = null;
    }
  }

  String url() {
    return "tcp://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  private void waitForPort() throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("mosquitto exited with " + process.exitValue() + ", see " + dir.resolve("stdout.log"));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IOException("mosquitto did not listen on port " + port + " within 20 s");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
