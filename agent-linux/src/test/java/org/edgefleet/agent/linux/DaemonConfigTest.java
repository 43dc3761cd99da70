package org.edgefleet.agent.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.edgefleet.agent.AgentSettings;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.transport.MqttOptions;
import org.edgefleet.protocol.config.Setting;
import org.edgefleet.protocol.trust.KeyFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config file is strict: a typo, a wrong type or a missing server key stops the daemon with the fix. */
class DaemonConfigTest {

  @TempDir Path dir;

  @BeforeEach
  void keys() throws IOException {
    KeyFiles.writePublic(dir.resolve("packager.pub.json"), TestAgents.PACKAGER.publicKey());
    KeyFiles.writePublic(dir.resolve("server.pub.json"), TestAgents.SERVER.publicKey());
  }

  private Path config(String extra) throws IOException {
    return Files.writeString(dir.resolve("agent.json"), "{\"deviceId\": \"d1\", \"dataDir\": \"data\","
        + " \"trustKeys\": [\"packager.pub.json\", \"server.pub.json\"]" + extra + "}");
  }

  private static String refusal(Path file) {
    try {
      DaemonConfig.read(file);
    } catch (IOException e) {
      return e.getMessage();
    }
    throw new AssertionError("config " + file + " was accepted");
  }

  @Test
  void everySettingIsReadWithItsType() throws Exception {
    DaemonConfig c = DaemonConfig.read(config(", \"telemetryInterval\": \"250ms\", \"reconnectMax\": \"5m\","
        + " \"keepAlive\": \"12h\", \"outboxBound\": 7, \"maxBundleBytes\": 5000000000, \"persistentSession\": true,"
        + " \"labels\": {\"hw\": \"rpi4\"}, \"nativeDir\": \"../natives\", \"revokedKeys\": [\"k1\"]"));
    assertThat(c.get(AgentSettings.TELEMETRY_INTERVAL)).isEqualTo(Duration.ofMillis(250));
    assertThat(c.get(AgentSettings.RECONNECT_MAX)).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.get(MqttOptions.KEEP_ALIVE)).isEqualTo(Duration.ofHours(12));
    assertThat(c.get(AgentSettings.OUTBOX_BOUND)).isEqualTo(7);
    assertThat(c.get(AgentSettings.MAX_BUNDLE_BYTES)).isEqualTo(5_000_000_000L);
    assertThat(c.get(MqttOptions.PERSISTENT_SESSION)).isTrue();
    assertThat(c.get(AgentSettings.LABELS)).containsEntry("hw", "rpi4");
    assertThat(c.effectiveNativeDir()).isEqualTo(dir.getParent().resolve("natives"));
    assertThat(c.get(DaemonSettings.REVOKED_KEYS)).containsExactly("k1");
    assertThat(c.get(AgentSettings.CHUNK_WINDOW)).isEqualTo(AgentSettings.CHUNK_WINDOW.defaultValue());
  }

  @Test
  void aMisspeltKeyIsRefusedWithTheNearestValidOne() throws Exception {
    assertThat(refusal(config(", \"telemetryIntervall\": \"10s\"")))
        .contains("unknown key 'telemetryIntervall'").contains("did you mean 'telemetryInterval'?");
    assertThat(refusal(config(", \"brokerURL\": \"tcp://x:1883\""))).contains("did you mean 'brokerUrl'?");
    assertThat(refusal(config(", \"telemetryIntervalMs\": 10000"))).contains("did you mean 'telemetryInterval'?");
    assertThat(refusal(config(", \"trustKey\": []"))).contains("did you mean 'trustKeys'?");
  }

  @Test
  void aKeyNothingResemblesIsRefusedWithoutAGuess() throws Exception {
    assertThat(refusal(config(", \"colour\": \"blue\""))).contains("unknown key 'colour'").doesNotContain("did you mean");
    String hostile = "k".repeat(10_000);
    assertThat(refusal(config(", \"" + hostile + "\": 1"))).contains("unknown key 'kkkk").contains("...'")
        .hasSizeLessThan(500);
  }

  @Test
  void durationsHaveOneSyntax() throws Exception {
    assertThat(refusal(config(", \"chunkTimeout\": \"PT5S\""))).contains("chunkTimeout").contains("250ms, 30s, 5m, 12h or 365d");
    assertThat(refusal(config(", \"chunkTimeout\": 5000"))).contains("chunkTimeout must be a duration as a string");
    assertThat(refusal(config(", \"chunkTimeout\": \"0s\""))).contains("chunkTimeout must be more than 0");
    assertThat(refusal(config(", \"chunkTimeout\": \"-5s\""))).contains("not a duration");
    assertThat(refusal(config(", \"chunkTimeout\": \"99999999999999999d\""))).contains("too long");
  }

  @Test
  void valuesOfTheWrongTypeAreRefusedNotCoerced() throws Exception {
    assertThat(refusal(config(", \"outboxBound\": \"10\""))).contains("outboxBound must be a whole number, was \"10\"");
    assertThat(refusal(config(", \"outboxBound\": 1.5"))).contains("outboxBound must be a whole number");
    assertThat(refusal(config(", \"outboxBound\": 99999999999"))).contains("outboxBound must be a whole number");
    assertThat(refusal(config(", \"persistentSession\": \"yes\""))).contains("persistentSession must be true or false");
    assertThat(refusal(config(", \"labels\": [\"hw\"]"))).contains("labels must be an object of strings");
    assertThat(refusal(config(", \"labels\": {\"hw\": 4}"))).contains("labels must be a string");
    assertThat(refusal(config(", \"brokerUrl\": {\"a\": 1}"))).contains("brokerUrl must be a string");
  }

  @Test
  void aConfigThatIsNotAnObjectOfSettingsIsRefused() throws Exception {
    assertThat(refusal(Files.writeString(dir.resolve("a.json"), "[1, 2]"))).contains("expected a JSON object of settings");
    assertThat(refusal(Files.writeString(dir.resolve("b.json"), "{\"deviceId\": "))).contains("is not a valid agent config");
    assertThat(refusal(Files.writeString(dir.resolve("c.json"), ""))).contains("expected a JSON object of settings");
    Path big = Files.write(dir.resolve("d.json"), new byte[300 * 1024]);
    assertThat(refusal(big)).contains("larger than");
  }

  @Test
  void requiredKeysAreNamed() throws Exception {
    Path noTrust = Files.writeString(dir.resolve("n.json"), "{\"deviceId\": \"d1\", \"dataDir\": \"data\", \"trustKeys\": []}");
    assertThat(refusal(noTrust)).contains("trustKeys required");
    Path noId = Files.writeString(dir.resolve("m.json"), "{\"dataDir\": \"data\", \"deviceId\": null}");
    assertThat(refusal(noId)).contains("deviceId, trustKeys required");
  }

  @Test
  void aConfigWithoutAServerKeyIsRefused() throws Exception {
    Path onlyPackager = Files.writeString(dir.resolve("p.json"),
        "{\"deviceId\": \"d1\", \"dataDir\": \"data\", \"trustKeys\": [\"packager.pub.json\"]}");
    DaemonConfig c = DaemonConfig.read(onlyPackager);
    assertThatThrownBy(c::trustStore).isInstanceOf(IOException.class).hasMessageContaining("no server key");
    assertThat(AgentDaemon.commandLine().execute("--config", onlyPackager.toString(), "--check")).isEqualTo(1);

    String serverKeyId = TestAgents.SERVER.keyId();
    DaemonConfig revoked = DaemonConfig.read(config(", \"revokedKeys\": [\"" + serverKeyId + "\"]"));
    assertThatThrownBy(revoked::trustStore).hasMessageContaining("no server key that is not revoked");
  }

  @Test
  void everyKeyIsDocumentedWithItsDescription() throws IOException {
    // Surefire runs in the module directory; the docs live beside the modules.
    String doc = Files.readString(Path.of("..", "docs", "agent.md"));
    for (Setting<?> s : DaemonSettings.ALL) {
      assertThat(doc).as(s.name()).contains("| `" + s.name() + "` |").contains(s.description());
    }
  }
}
