package org.edgefleet.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

  @Test
  void flagsBecomeSettings() {
    ServerConfig c = Main.config(new CommandLine(Main.spec()).parseArgs("--data-dir", "/tmp/x", "--http-port", "0",
        "--trust-key", "a.json", "--trust-key", "b.json", "--chunk-size", "4096", "--broker-persistence", "false",
        "--reconcile-interval", "2s", "--broker-url", "tcp://127.0.0.1:1884", "--max-bundle-size", "1000"));
    assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/x"));
    assertThat(c.get(Settings.HTTP_PORT)).isZero();
    assertThat(c.get(Settings.TRUST_KEYS)).containsExactly(Path.of("a.json"), Path.of("b.json"));
    assertThat(c.chunkSize()).isEqualTo(4096);
    assertThat(c.get(Settings.BROKER_PERSISTENCE)).isFalse();
    assertThat(c.get(Settings.RECONCILE_INTERVAL)).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.brokerUrl()).isEqualTo("tcp://127.0.0.1:1884");
    assertThat(c.get(Settings.MAX_BUNDLE_SIZE)).isEqualTo(1000L);
    assertThat(c.get(Settings.MQTT_PORT)).isEqualTo(1883);
  }

  @Test
  void helpListsEveryFlagAndBadInputSaysWhy() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertThat(Main.run(new String[] {"--help"}, new PrintWriter(out, true), new PrintWriter(err, true))).isZero();
    for (var s : Settings.ALL) {
      assertThat(out.toString()).contains(s.flag());
    }
    assertThat(Main.run(new String[] {"--chunk-size", "lots"}, new PrintWriter(out, true), new PrintWriter(err, true))).isEqualTo(2);
    assertThat(Main.run(new String[] {"--chunk-size", "10"}, new PrintWriter(out, true), new PrintWriter(err, true))).isEqualTo(2);
    assertThat(err.toString()).contains("--chunk-size");
    assertThat(List.of(err.toString().split("\n"))).anyMatch(l -> l.startsWith("fleet-server: "));
  }

  @Test
  void durationsTakeTheProjectsOneSyntax() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertThat(Main.run(new String[] {"--reconcile-interval", "PT30S"}, new PrintWriter(out, true), new PrintWriter(err, true)))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--reconcile-interval").contains("250ms, 30s, 5m, 12h or 365d");
    Main.run(new String[] {"--help"}, new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(out.toString()).contains("Default: 30s.").doesNotContain("PT30S");
  }
}
