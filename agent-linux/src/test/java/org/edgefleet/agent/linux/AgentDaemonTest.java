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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.edgefleet.agent.AgentConfig;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestKeySets;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.agent.transport.MqttOptions;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.KeySetFiles;
import org.edgefleet.protocol.trust.SignedKeySet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented example config, read and run as the daemon would. */
class AgentDaemonTest {

  static final Pattern LOG_LINE = Pattern.compile(
      "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}[+-]\\d{4} (TRACE|DEBUG|INFO|WARN|ERROR) [\\w.$]+ - event=[a-z_]+( .*)?");

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
    try (EdgeAgent agent = AgentDaemon.build(c)) {
      config = agent.config();
    }
    assertThat(config.labels()).containsEntry("hw", "rpi4");
    assertThat(config.chunkTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.telemetryInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.get(MqttOptions.KEEP_ALIVE)).isEqualTo(Duration.ofSeconds(30));
    assertThat(AgentDaemon.commandLine().execute("--config", dir.resolve("agent.json").toString(), "--check")).isZero();
  }

  @Test
  void missingRequiredFieldsAreNamed() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"deviceId\":\"d1\"}");
    assertThatThrownBy(() -> DaemonConfig.read(bad)).isInstanceOf(IOException.class)
        .hasMessageContaining("dataDir, trustKeys required");
    Path notJson = Files.writeString(dir.resolve("x.json"), "deviceId = d1");
    assertThatThrownBy(() -> DaemonConfig.read(notJson)).hasMessageContaining("is not a valid agent config");
  }

  @Test
  void aConfigRootedInAKeySetTrustsItsKeysAndRefusesAKeySetBelowItsThreshold() throws Exception {
    TestKeySets fleet = new TestKeySets();
    SignedKeySet v1 = fleet.signed(1, List.of(TestAgents.PACKAGER, TestAgents.SERVER), List.of());
    KeySetFiles.write(dir.resolve("keys/keyset-v1.json"), v1);
    Path config = Files.writeString(dir.resolve("rooted.json"),
        "{\"deviceId\":\"rpi-0018\",\"dataDir\":\"data\",\"keySet\":\"keys/keyset-v1.json\"}");
    assertThat(AgentDaemon.commandLine().execute("--config", config.toString(), "--check")).isZero();

    KeySetFiles.write(dir.resolve("keys/keyset-v1.json"), TestKeySets.sign(v1.keySet(), fleet.roots.get(0)));
    assertThatThrownBy(() -> DaemonConfig.read(config).toBuilder().build()).hasMessageContaining("BELOW_THRESHOLD")
        .hasMessageContaining("keySet");
    Path both = Files.writeString(dir.resolve("both.json"), "{\"deviceId\":\"d\",\"dataDir\":\"data\","
        + "\"keySet\":\"keys/keyset-v1.json\",\"trustKeys\":[\"keys/server.pub.json\"]}");
    assertThatThrownBy(() -> DaemonConfig.read(both)).hasMessageContaining("keySet and trustKeys both given");
    Path absent = Files.writeString(dir.resolve("absent.json"),
        "{\"deviceId\":\"d\",\"dataDir\":\"data\",\"keySet\":\"keys/keyset-v9.json\"}");
    assertThatThrownBy(() -> DaemonConfig.read(absent).toBuilder()).hasMessageContaining("keyset-v9.json does not exist")
        .hasMessageContaining("keySet in");
  }

  @Test
  void daemonStartsFromTheConfigAndGoesOnline() throws Exception {
    try (TestBroker broker = TestBroker.start(); TestServer server = new TestServer(broker.url(), TestAgents.SERVER)) {
      try (EdgeAgent agent = AgentDaemon.start(DaemonConfig.read(example(broker.url())))) {
        await().atMost(Duration.ofSeconds(20)).until(() -> server.status("rpi-0017").orElse(null) == DeviceStatus.State.ONLINE);
        assertThat(Files.exists(dir.resolve("data/outbox.db"))).isTrue();
        assertThat(dir.resolve("data/mqtt")).doesNotExist(); // a clean session keeps Paho's store in memory
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> server.status("rpi-0017").orElse(null) == DeviceStatus.State.OFFLINE);
    }
  }

  @Test
  void daemonLogsTimestampedEventsAndEndsOnSigterm() throws Exception {
    Path conf = example("tcp://127.0.0.1:1"); // nothing listens: the agent starts and keeps retrying
    Path log = dir.resolve("daemon.log");
    Process daemon = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")), "-cp", System.getProperty("java.class.path"),
        AgentDaemon.class.getName(), "--config", conf.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("event=agent_started"));
      daemon.destroy(); // SIGTERM: the shutdown hook closes the agent
      assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
    } finally {
      daemon.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).as("every line: timestamp, level, logger, event=name key=value")
        .isNotEmpty()
        .allMatch(l -> LOG_LINE.matcher(l).matches(), LOG_LINE.pattern());
    assertThat(lines).anyMatch(l -> l.contains(" INFO org.edgefleet.agent.EdgeAgent - event=agent_started device=rpi-0017 "))
        .anyMatch(l -> l.contains("event=agent_closed device=rpi-0017"));
  }
}
