package org.edgefleet.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefleet.protocol.config.Setting;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.transfer.ChunkMessage;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

  @Test
  void defaultsAreValidAndMatchTheDocumentedOnes() {
    ServerConfig c = ServerConfig.defaults();
    assertThat(c.chunkSize()).isEqualTo(64 * 1024);
    assertThat(c.maxPacketSize()).isEqualTo(256 * 1024);
    assertThat(c.embeddedBroker()).isTrue();
    assertThat(c.get(Settings.HTTP_PORT)).isEqualTo(8080);
    assertThat(c.get(Settings.MQTT_PORT)).isEqualTo(1883);
    assertThat(c.get(Settings.MQTT_HOST)).as("the embedded broker listens on loopback unless told").isEqualTo("127.0.0.1");
    assertThat(c.get(Settings.HTTP_HOST)).isEqualTo("127.0.0.1");
    assertThat(c.dataDir()).isEqualTo(Path.of("fleet-data"));
  }

  @Test
  void aChunkThatCannotFitThePacketLimitStopsTheStartWithTheLargestThatFits() {
    int packet = 64 * 1024;
    assertThatThrownBy(() -> ServerConfig.builder().maxPacketSize(packet).chunkSize(64 * 1024).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--chunk-size").hasMessageContaining("--max-packet-size");
    int largest = packet - (ServerConfig.chunkPacketBytes(Topics.defaults(), 0));
    assertThat(ServerConfig.builder().maxPacketSize(packet).chunkSize(largest).build().chunkSize()).isEqualTo(largest);
    assertThatThrownBy(() -> ServerConfig.builder().maxPacketSize(packet).chunkSize(largest + 1).build())
        .hasMessageContaining("at most " + largest);
    assertThat(largest).isLessThan(packet - ChunkMessage.HEADER_BYTES);
  }

  @Test
  void badValuesNameTheirFlag() {
    assertThatThrownBy(() -> ServerConfig.builder().chunksInFlight(4, 8).build()).hasMessageContaining("--chunks-in-flight-per-device");
    assertThatThrownBy(() -> ServerConfig.builder().topicPrefix("a/+/b").build()).hasMessageContaining("--topic-prefix");
    assertThatThrownBy(() -> ServerConfig.builder().brokerUrl("mqtt://x").build()).hasMessageContaining("--broker-url");
    assertThatThrownBy(() -> ServerConfig.builder().httpPort(70000).build()).hasMessageContaining("--http-port");
    assertThatThrownBy(() -> ServerConfig.builder().chunkSize(100).build()).hasMessageContaining("--chunk-size");
    assertThatThrownBy(() -> ServerConfig.builder().set(Settings.MAX_PACKET_SIZE, 100).build()).hasMessageContaining("--max-packet-size");
    assertThatThrownBy(() -> ServerConfig.builder().set(Settings.DATABASE_URL, "jdbc:mysql://db/fleet").build())
        .hasMessageContaining("--database-url must start with jdbc:sqlite: or jdbc:postgresql:");
    assertThatThrownBy(() -> ServerConfig.builder().set(Settings.DATABASE_URL, "jdbc:postgresql://db/fleet")
        .set(Settings.DATABASE_POOL_SIZE, 0).build()).hasMessageContaining("--database-pool-size");
  }

  @Test
  void theBrokerPasswordIsNotPrinted() {
    assertThat(ServerConfig.builder().brokerCredentials("u", "s3cret").build().toString()).doesNotContain("s3cret");
    assertThat(ServerConfig.builder().set(Settings.DATABASE_URL, "jdbc:postgresql://db/fleet?user=u&password=s3cret")
        .set(Settings.DATABASE_PASSWORD, "other-s3cret").build().toString()).doesNotContain("s3cret").contains("db/fleet");
  }

  @Test
  void aSharedGroupNeedsAnExternalBrokerPostgresqlAndATopicLevelName() {
    String pg = "jdbc:postgresql://db/fleet";
    assertThatThrownBy(() -> ServerConfig.builder().set(Settings.MQTT_SHARED_GROUP, "fleet").set(Settings.DATABASE_URL, pg).build())
        .hasMessageContaining("--mqtt-shared-group").hasMessageContaining("--broker-url");
    assertThatThrownBy(() -> ServerConfig.builder().set(Settings.MQTT_SHARED_GROUP, "fleet").brokerUrl("tcp://b:1883").build())
        .hasMessageContaining("--mqtt-shared-group").hasMessageContaining("PostgreSQL");
    for (String bad : new String[] {"", "a/b", "+", "#", "x".repeat(65), "grüppe"}) {
      assertThatThrownBy(() -> ServerConfig.builder().set(Settings.MQTT_SHARED_GROUP, bad).brokerUrl("tcp://b:1883")
          .set(Settings.DATABASE_URL, pg).build()).as(bad).hasMessageContaining("--mqtt-shared-group");
    }
    assertThat(ServerConfig.builder().set(Settings.MQTT_SHARED_GROUP, "fleet-1_a").brokerUrl("tcp://b:1883")
        .set(Settings.DATABASE_URL, pg).build().get(Settings.MQTT_SHARED_GROUP)).isEqualTo("fleet-1_a");
    assertThatThrownBy(() -> ServerConfig.builder().set(Settings.LEASE_DURATION, java.time.Duration.ofMillis(999)).build())
        .hasMessageContaining("--lease-duration");
  }

  @Test
  void everySettingIsDocumentedWithItsDescription() throws Exception {
    // Surefire runs in the module directory; the docs live beside the modules.
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    for (Setting<?> s : Settings.ALL) {
      assertThat(doc).as(s.name()).contains("`" + s.flag() + "`").contains(s.description());
    }
  }
}
