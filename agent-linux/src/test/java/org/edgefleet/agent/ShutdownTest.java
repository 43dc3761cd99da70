package org.edgefleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.fault.MqttFaultProxy;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.trust.KeyFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code close()} in any state ends every thread the agent started: an agent alone in a child
 * JVM ({@link AgentProcess}) is closed unstarted, right after start, before and during the MQTT
 * connect and in the middle of a download, and that JVM must end by itself. The bound is a
 * liveness bound (a JVM kept up by a thread never ends), not a timing measurement.
 */
class ShutdownTest {

  /** Far beyond a close's own waits (the connect timeout, the loop's drain), so only a stuck thread hits it. */
  static final Duration EXIT_BOUND = Duration.ofSeconds(60);
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  Path packagerKey;
  Path serverKey;

  @BeforeEach
  void keys() throws IOException {
    packagerKey = dir.resolve("packager.pub.json");
    serverKey = dir.resolve("server.pub.json");
    KeyFiles.writePublic(packagerKey, TestAgents.PACKAGER.publicKey());
    KeyFiles.writePublic(serverKey, TestAgents.SERVER.publicKey());
  }

  @Test
  void anUnstartedAgentLetsTheJvmEnd() throws Exception {
    assertEnds(start(closedPortUrl(), "unstarted"), () -> true, EXIT_BOUND);
  }

  @Test
  void closeRightAfterStartAgainstAClosedPortLetsTheJvmEnd() throws Exception {
    assertEnds(start(closedPortUrl(), "at-once"), () -> true, EXIT_BOUND);
  }

  @Test
  void closeWhileRetryingARefusingBrokerLetsTheJvmEnd() throws Exception {
    try (ServerSocket refusing = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      AtomicInteger attempts = new AtomicInteger();
      Thread acceptor = new Thread(() -> {
        while (!refusing.isClosed()) {
          try (Socket s = refusing.accept()) {
            attempts.incrementAndGet(); // and closed at once: the attempt fails, the agent backs off and retries
          } catch (IOException e) {
            return;
          }
        }
      }, "refusing-broker");
      acceptor.setDaemon(true);
      acceptor.start();
      assertEnds(start("tcp://127.0.0.1:" + refusing.getLocalPort(), "on-line"), () -> attempts.get() >= 3, EXIT_BOUND);
    }
  }

  @Test
  void aThreadLeftRunningKeepsTheJvmUpAndIsNamed() throws Exception {
    Process agent = start(closedPortUrl(), "leak");
    try {
      assertThat(closeAndWait(agent, () -> true, Duration.ofSeconds(5))).isFalse();
      await().atMost(WAIT).until(() -> log().contains("non-daemon thread left: leaked"));
    } finally {
      agent.destroyForcibly();
    }
  }

  @Test
  void closeBeforeTheBrokerAnswersConnectLetsTheJvmEnd() throws Exception {
    try (TestBroker broker = TestBroker.start(); MqttFaultProxy proxy = MqttFaultProxy.start(broker.port())) {
      proxy.blackhole(); // CONNECT reaches the proxy, CONNACK never comes back
      assertEnds(start(proxy.url(), "on-line"), () -> proxy.connectionsAccepted() >= 1, EXIT_BOUND);
    }
  }

  @Test
  void closeInTheMiddleOfADownloadLetsTheJvmEnd() throws Exception {
    try (TestBroker broker = TestBroker.start(); TestServer server = new TestServer(broker.url(), TestAgents.SERVER)) {
      TestBundles bundles = new TestBundles(dir.resolve("bundles"), TestAgents.PACKAGER);
      BundleRef ref = server.serve(bundles.spec("vibration", 1).padding(40_000).write(), TestAgents.CHUNK_SIZE);
      server.gate(index -> index < 4); // the rest is never answered: the download stays in progress
      server.publishDesired("dev-shutdown", 1, TestServer.assignment("vibration", 1, ref, false));
      assertEnds(start(broker.url(), "on-line"), () -> server.requests().stream().anyMatch(r -> r.index() >= 4), EXIT_BOUND);
    }
  }

  private Process start(String brokerUrl, String when) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(java.toString(), "-Xmx256m",
        "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
        "-cp", System.getProperty("java.class.path"), AgentProcess.class.getName(),
        brokerUrl, dir.resolve("agent").toString(), packagerKey.toString(), serverKey.toString(), when)
        .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
  }

  /** Requires the agent's JVM to end by itself within {@code bound} once told to close. */
  private void assertEnds(Process agent, BooleanSupplier ready, Duration bound) throws Exception {
    try {
      assertThat(closeAndWait(agent, ready, bound)).as("the agent's JVM ended by itself; its output:\n" + log()).isTrue();
      assertThat(agent.exitValue()).as(log()).isZero();
      assertThat(log()).contains("closed").doesNotContain("non-daemon thread left");
    } finally {
      agent.destroyForcibly();
    }
  }

  /** Waits until the agent started and {@code ready}, tells it to close, and whether its JVM then ended. */
  private boolean closeAndWait(Process agent, BooleanSupplier ready, Duration bound) throws Exception {
    await().atMost(WAIT).until(() -> log().contains("started") || !agent.isAlive());
    await().atMost(WAIT).until(ready::getAsBoolean);
    try (OutputStream in = agent.getOutputStream()) {
      in.write("close\n".getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The agent closed on its own already (unstarted, at-once) and its stdin is gone.
    }
    return agent.waitFor(bound.toSeconds(), TimeUnit.SECONDS);
  }

  private String log() throws IOException {
    Path file = dir.resolve("agent.log");
    return Files.exists(file) ? Files.readString(file) : "";
  }

  /** A loopback port nothing listens on: bound, then released. */
  private static String closedPortUrl() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "tcp://127.0.0.1:" + s.getLocalPort();
    }
  }
}
