package org.edgefleet.agent.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.EdgeAgentBuilder;
import org.edgefleet.agent.linux.SqliteOutbox;
import org.edgefleet.agent.transport.MqttOptions;
import org.edgefleet.agent.transport.MqttTransportFactory;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;

/**
 * Keys and agent settings shared by the tests: short timers, so tests wait little; the parts of
 * the Linux daemon (MQTT, the SQLite outbox without a sync per commit, the engines on the class path).
 */
public final class TestAgents {

  public static final SigningKey PACKAGER = SigningKey.generate(KeyRole.PACKAGER);
  public static final SigningKey SERVER = SigningKey.generate(KeyRole.SERVER);
  public static final int CHUNK_SIZE = 1024;

  private TestAgents() {}

  public static TrustStore trust() {
    return TrustStore.of(PACKAGER.publicKey(), SERVER.publicKey());
  }

  public static EdgeAgentBuilder builder(String deviceId, Path dataDir, String brokerUrl) {
    return EdgeAgent.builder()
        .deviceId(deviceId)
        .dataDir(dataDir)
        .labels(Map.of("hw", "test", "region", "lab"))
        .set(MqttOptions.BROKER_URL, brokerUrl)
        .transport(new MqttTransportFactory())
        .outbox(SqliteOutbox.inDataDir(false))
        .trust(trust())
        .telemetryInterval(Duration.ofMillis(300))
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
        .chunkTimeout(Duration.ofMillis(800))
        .set(MqttOptions.KEEP_ALIVE, Duration.ofSeconds(5))
        .nativeLibraryDir(Path.of(System.getProperty("java.io.tmpdir"), "ort-native"));
  }
}
