package org.edgefleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.edgefleet.agent.linux.SqliteOutbox;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.transport.MqttOptions;
import org.edgefleet.agent.transport.MqttTransportFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder's parts: the transport and the outbox are required, and the MQTT transport checks its settings. */
class AgentPartsTest {

  @TempDir Path dir;

  @Test
  void anAgentNeedsATransportAndAnOutbox() {
    assertThatThrownBy(() -> EdgeAgent.builder().deviceId("d1").dataDir(dir).trust(TestAgents.trust())
        .outbox(SqliteOutbox.inDataDir(false)).build()).hasMessageContaining("transport must be set");
    assertThatThrownBy(() -> EdgeAgent.builder().deviceId("d1").dataDir(dir).trust(TestAgents.trust())
        .transport(new MqttTransportFactory()).build()).hasMessageContaining("outbox must be set");
  }

  @Test
  void theMqttTransportRefusesItsBadSettingsByName() {
    assertThatThrownBy(() -> TestAgents.builder("d1", dir, "tcp://127.0.0.1:1").set(MqttOptions.MAX_INFLIGHT, 17).build())
        .hasMessageContaining("maxInflight must be at least chunkWindow + 10 (18), was 17");
    assertThatThrownBy(() -> TestAgents.builder("d1", dir, "tcp://127.0.0.1:1")
        .set(MqttOptions.KEEP_ALIVE, Duration.ofMillis(500)).build()).hasMessageContaining("keepAlive must be at least 1s");
    assertThatThrownBy(() -> TestAgents.builder("d1", dir, "mqtt://127.0.0.1:1").build())
        .hasMessageContaining("must start with tcp:// or ssl://");
  }

  @Test
  void theTransportsSettingsReachIt() throws Exception {
    try (EdgeAgent agent = TestAgents.builder("d1", dir, "tcp://127.0.0.1:1").set(MqttOptions.MAX_INFLIGHT, 64).build()) {
      assertThat(agent.config().get(MqttOptions.MAX_INFLIGHT)).isEqualTo(64);
      assertThat(agent.config().get(MqttOptions.BROKER_URL)).isEqualTo("tcp://127.0.0.1:1");
    }
  }
}
