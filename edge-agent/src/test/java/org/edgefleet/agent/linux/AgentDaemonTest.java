package org.edgefleet.agent.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.edgefleet.agent.AgentConfig;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.trust.KeyFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented example config, read and run as the daemon would. */
class AgentDaemonTest {

  @TempDir Path dir;

  @BeforeEach
  void keys() throws IOException {
    Files.createDirectories(dir.resolve("keys"));
    KeyFiles.writePublic(dir.resolve("keys/packager.pub.json"), TestAgents.PACKAGER.publicKey());
    KeyFiles.writePublic(dir.resolve("keys/server.pub.json"), TestAgents.SERVER.publicKey());
  }

  Path example(String brokerUrl) throws IOException {
    try (InputStream in = AgentDaemonTest.class.getResourceAsStream("/agent.example.json")) {
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("tcp://127.0.0.1:1883", brokerUrl);
      return Files.writeString(dir.resolve("agent.json"), json);
    }
  }

  @Test
  void exampleConfigResolvesPathsAgainstItsOwnDirectory() throws Exception {
    DaemonConfig c = DaemonConfig.read(example("tcp://127.0.0.1:1883"));
    assertThat(c.dataDir()).isEqualTo(dir.resolve("data"));
    assertThat(c.effectiveNativeDir()).isEqualTo(dir.resolve("data/native"));
    assertThat(c.trustStore().keys()).hasSize(2);
    AgentConfig config;
    try (EdgeAgent agent = c.toBuilder().build()) {
      config = agent.config();
    }
    assertThat(config.labels()).containsEntry("hw", "rpi4");
    assertThat(config.chunkTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(AgentDaemon.commandLine().execute("--config", dir.resolve("agent.json").toString(), "--check")).isZero();
  }

  @Test
  void missingRequiredFieldsAreNamed() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"deviceId\":\"d1\"}");
    assertThatThrownBy(() -> DaemonConfig.read(bad)).isInstanceOf(IOException.class)
        .hasMessageContaining("deviceId, dataDir and trustKeys");
    Path notJson = Files.writeString(dir.resolve("x.json"), "deviceId = d1");
    assertThatThrownBy(() -> DaemonConfig.read(notJson)).hasMessageContaining("is not a valid agent config");
  }

  @Test
  void daemonStartsFromTheConfigAndGoesOnline() throws Exception {
    try (TestBroker broker = TestBroker.start(); TestServer server = new TestServer(broker.url(), TestAgents.SERVER)) {
      try (EdgeAgent agent = AgentDaemon.start(DaemonConfig.read(example(broker.url())))) {
        await().atMost(Duration.ofSeconds(20)).until(() -> server.status("rpi-0017").orElse(null) == DeviceStatus.State.ONLINE);
        assertThat(Files.exists(dir.resolve("data/outbox.db"))).isTrue();
        assertThat(Files.isDirectory(dir.resolve("data/mqtt"))).isTrue();
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> server.status("rpi-0017").orElse(null) == DeviceStatus.State.OFFLINE);
    }
  }
}
