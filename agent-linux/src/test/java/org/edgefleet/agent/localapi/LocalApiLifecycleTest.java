package org.edgefleet.agent.localapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.linux.AgentDaemon;
import org.edgefleet.agent.linux.DaemonConfig;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.protocol.config.Setting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, refusing to start, and stopping: socket files, settings, the daemon's config block, threads. */
class LocalApiLifecycleTest {

  @TempDir Path dir;
  EdgeAgent agent;

  @BeforeEach
  void agent() {
    // Never started: the endpoint's life does not depend on the agent's connection.
    agent = TestAgents.builder("lifecycle", dir.resolve("agent"), "tcp://127.0.0.1:1").build();
  }

  @AfterEach
  void close() {
    agent.close();
  }

  @Test
  void aStaleSocketIsReplacedAndRemovedOnClose() throws Exception {
    Path sock = dir.resolve("a.sock");
    try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      crashed.bind(UnixDomainSocketAddress.of(sock)); // closing leaves the file, as a crash does
    }
    assertThat(sock).exists();
    try (LocalApiServer server = LocalApiServer.start(agent, LocalApiSettings.listening(null, sock));
         LocalApiClient client = LocalApiClient.unix(sock)) {
      assertThat(client.get("/v1/health").status()).isEqualTo(200);
    }
    assertThat(sock).doesNotExist();
  }

  @Test
  void aFileOrALiveSocketAtThePathIsLeftAlone() throws Exception {
    Path file = Files.writeString(dir.resolve("data.sock"), "not a socket");
    assertThatThrownBy(() -> LocalApiServer.start(agent, LocalApiSettings.listening(null, file)))
        .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("is not a socket: not removed");
    assertThat(Files.readString(file)).isEqualTo("not a socket");

    Path sock = dir.resolve("live.sock");
    try (LocalApiServer first = LocalApiServer.start(agent, LocalApiSettings.listening(null, sock))) {
      assertThatThrownBy(() -> LocalApiServer.start(agent, LocalApiSettings.listening(null, sock)))
          .hasMessageContaining("another process is listening");
      try (LocalApiClient client = LocalApiClient.unix(sock)) {
        assertThat(client.get("/v1/health").status()).isEqualTo(200);
      }
    }
  }

  @Test
  void groupAccessGivesTheSocketMode0660AndItsGroup() throws Exception {
    String group = Files.readAttributes(dir, PosixFileAttributes.class).group().getName();
    Path sock = dir.resolve("g.sock");
    String block = "{\"unixSocket\": \"g.sock\", \"socketAccess\": \"group\", \"socketGroup\": \"" + group + "\"}";
    try (LocalApiServer server = LocalApiServer.start(agent, DaemonConfig.read(config(block)).localApi().orElseThrow())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-rw----");
      assertThat(Files.readAttributes(sock, PosixFileAttributes.class).group().getName()).isEqualTo(group);
    }
  }

  @Test
  void aPathTooLongForASocketIsRefusedWithAShorterSuggestion() {
    Path sock = dir.resolve("x".repeat(120) + ".sock");
    assertThatThrownBy(() -> LocalApiServer.start(agent, LocalApiSettings.listening(null, sock)))
        .hasMessageContaining("too long for a Unix socket").hasMessageContaining("/run/edgefleet/agent.sock");
  }

  @Test
  void closeStopsEveryThreadEvenWithACallerMidRequest() throws Exception {
    Path sock = dir.resolve("c.sock");
    LocalApiServer server = LocalApiServer.start(agent, LocalApiSettings.listening(0, sock));
    InetSocketAddress tcp = server.tcpAddress().orElseThrow();
    try (LocalApiClient client = LocalApiClient.tcp(tcp); RawCaller stalled = RawCaller.connect(UnixDomainSocketAddress.of(sock))) {
      assertThat(client.get("/v1/health").status()).isEqualTo(200);
      stalled.send("POST /v1/models/m/predict HTTP/1.1\r\nContent-Length: 50\r\n\r\n{");
      assertThat(threads()).isPositive();
      server.close();
      assertThat(threads()).isZero();
      assertThat(stalled.readToEnd()).isEmpty();
    }
    assertThat(sock).doesNotExist();
    try (SocketChannel ch = SocketChannel.open()) {
      assertThatThrownBy(() -> ch.connect(tcp)).isInstanceOf(ConnectException.class);
    }
    server.close(); // a second close is harmless
  }

  private static long threads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("local-api-") && t.isAlive())
        .count();
  }

  /** A daemon config file whose {@code localApi} block is {@code block}. */
  private Path config(String block) throws IOException {
    return Files.writeString(dir.resolve("agent.json"), "{\"deviceId\": \"d1\", \"dataDir\": \"data\","
        + " \"trustKeys\": [\"k.pub.json\"], \"localApi\": " + block + "}");
  }

  private String refusal(String block) {
    try {
      DaemonConfig.read(config(block));
    } catch (IOException e) {
      return e.getMessage();
    }
    throw new AssertionError("localApi block " + block + " was accepted");
  }

  @Test
  void settingsRefuseTheNetworkAndMisspeltKeysByName() throws Exception {
    assertThat(refusal("{\"tcpPort\": 0, \"tcpHost\": \"0.0.0.0\"}"))
        .contains("'0.0.0.0' is not a loopback address").contains("allowNonLoopback");
    LocalApiSettings open = DaemonConfig.read(config("{\"tcpPort\": 0, \"tcpHost\": \"0.0.0.0\", \"allowNonLoopback\": true}"))
        .localApi().orElseThrow();
    assertThat(open.allowNonLoopback()).isTrue();
    assertThat(refusal("{\"tcpPort\": 0, \"maxBodyByte\": 5}"))
        .contains("unknown key 'localApi.maxBodyByte'; did you mean 'localApi.maxBodyBytes'?").contains("docs/local-api.md");
    assertThat(refusal("{\"tcpPort\": 0, \"idleTimeoutMs\": 5000}")).contains("did you mean 'localApi.idleTimeout'?");
    assertThat(refusal("{}")).contains("needs tcpPort, unixSocket or both");
    assertThat(refusal("[\"s.sock\"]")).contains("localApi must be an object");
    assertThat(refusal("{\"tcpPort\": 0, \"workers\": 0}")).contains("localApi.workers must be positive");
    assertThat(refusal("{\"tcpPort\": \"8080\"}")).contains("localApi.tcpPort must be a whole number, was \"8080\"");
    assertThat(refusal("{\"tcpPort\": 70000}")).contains("localApi.tcpPort 70000 must be 0-65535");
    assertThat(refusal("{\"tcpPort\": 0, \"maxBodyBytes\": 2000, \"bodyBudgetBytes\": 1000}"))
        .contains("bodyBudgetBytes 1000 must be at least maxBodyBytes 2000");
    assertThat(refusal("{\"unixSocket\": \"s\", \"socketAccess\": \"all\"}")).contains("must be 'owner' or 'group'");
    assertThat(refusal("{\"tcpPort\": 0, \"k" + "k".repeat(10_000) + "\": 1}")).contains("unknown key 'localApi.kkk")
        .hasSizeLessThan(500);
    assertThat(DaemonConfig.read(config("{\"unixSocket\": \"run/s.sock\"}")).localApi().orElseThrow().unixSocket())
        .isEqualTo(dir.resolve("run/s.sock"));
  }

  @Test
  void timeoutsAreDurationsInTheProjectsOneSyntax() throws Exception {
    LocalApiSettings s = DaemonConfig.read(config("{\"tcpPort\": 0, \"requestTimeout\": \"250ms\", \"idleTimeout\": \"2m\"}"))
        .localApi().orElseThrow();
    assertThat(s.requestTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.writeTimeout()).isEqualTo(LocalApiSettings.WRITE_TIMEOUT.defaultValue());
    assertThat(refusal("{\"tcpPort\": 0, \"idleTimeout\": 30000}"))
        .contains("localApi.idleTimeout must be a duration as a string, a whole number and a unit");
    assertThat(refusal("{\"tcpPort\": 0, \"idleTimeout\": \"PT30S\"}")).contains("250ms, 30s, 5m, 12h or 365d");
    assertThat(refusal("{\"tcpPort\": 0, \"writeTimeout\": \"0s\"}")).contains("writeTimeout must be more than 0");
  }

  @Test
  void everyKeyIsDocumentedWithItsDescription() throws IOException {
    // Surefire runs in the module directory; the docs live beside the modules.
    String doc = Files.readString(Path.of("..", "docs", "local-api.md"));
    for (Setting<?> setting : LocalApiSettings.ALL) {
      assertThat(doc).as(setting.name()).contains("| `" + setting.name() + "` |").contains(setting.description());
    }
  }

  @Test
  void theDaemonStartsTheEndpointFromItsConfigBlockAndNothingWithout() throws Exception {
    AutoCloseable endpoint = AgentDaemon.startLocalApi(agent, DaemonConfig.read(config("{\"unixSocket\": \"run/agent.sock\"}")));
    try (LocalApiClient client = LocalApiClient.unix(dir.resolve("run/agent.sock"))) {
      assertThat(client.get("/v1/health").text()).contains("\"deviceId\":\"lifecycle\"");
    } finally {
      endpoint.close();
    }
    assertThat(dir.resolve("run/agent.sock")).doesNotExist();
    AgentDaemon.startLocalApi(agent, DaemonConfig.read(config("null"))).close();
    assertThat(threads()).isZero();
    // Reading the file (as start and --check do) refuses a bad block before any agent is built.
    assertThat(refusal("{\"unixSocket\": \"s.sock\", \"idleTimeut\": \"5s\"}")).contains("did you mean 'localApi.idleTimeout'?");
  }
}
