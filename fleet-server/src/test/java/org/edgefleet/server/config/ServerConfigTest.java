package org.edgefleet.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
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
  }

  @Test
  void theBrokerPasswordIsNotPrinted() {
    assertThat(ServerConfig.builder().brokerCredentials("u", "s3cret").build().toString()).doesNotContain("s3cret");
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
