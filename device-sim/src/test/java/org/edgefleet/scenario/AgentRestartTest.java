package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.Prediction;
import org.edgefleet.agent.linux.AgentDaemon;
import org.edgefleet.agent.linux.DaemonConfig;
import org.edgefleet.packager.sample.MotorDataGenerator;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.KeyFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Linux daemon, as its own process, gets a model and is then killed with SIGKILL. Started
 * again on the same data directory it serves that model at once, even with no broker reachable.
 */
class AgentRestartTest {

  @TempDir Path dir;

  @Test
  void killedDaemonComesBackServingItsModel() throws Exception {
    try (FleetFixture fleet = FleetFixture.embedded(dir.resolve("fleet"))) {
      fleet.upload(fleet.bundles.bundle(1));
      Path conf = writeConfig(fleet, fleet.server.mqttUrl(), "agent.json");

      Process daemon = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx128m", "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
          "-cp", System.getProperty("java.class.path"), AgentDaemon.class.getName(), "-c", conf.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile()).start();
      try {
        fleet.awaitDevicesKnown(1);
        // Known from its status message first; the rollout checks what its report says it can run.
        await().atMost(FleetFixture.PATIENCE).until(() ->
            fleet.api.getJson("/api/v1/devices").get("devices").get(0).path("capabilities").isObject());
        fleet.rollout(SampleBundles.MODEL, 1, "");
        await().atMost(FleetFixture.PATIENCE).until(() -> daemonActiveVersion(fleet) == 1);
      } finally {
        daemon.destroyForcibly();
        assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }

      // No broker at all: the model comes off the disk, not the network.
      Path offline = writeConfig(fleet, "tcp://127.0.0.1:1", "offline.json");
      try (EdgeAgent agent = AgentDaemon.start(DaemonConfig.read(offline))) {
        assertThat(agent.activeVersion(SampleBundles.MODEL)).hasValue(1);
        Prediction p = agent.predict(SampleBundles.MODEL,
            Map.of("features", Tensor.row(MotorDataGenerator.create().sample(1L).features())));
        assertThat(p.version()).isEqualTo(1);
        assertThat(p.output("probabilities").floats()).hasSize(2);
        assertThat(agent.isConnected()).isFalse();
      }

      // With the broker back in reach it reconnects and reports the same model, no new download.
      try (EdgeAgent agent = AgentDaemon.start(DaemonConfig.read(conf))) {
        await().atMost(FleetFixture.PATIENCE).until(agent::isConnected);
        assertThat(agent.activeVersion(SampleBundles.MODEL)).hasValue(1);
        await().atMost(FleetFixture.PATIENCE).until(() -> daemonActiveVersion(fleet) == 1);
      }
    }
  }

  private Path writeConfig(FleetFixture fleet, String brokerUrl, String name) throws Exception {
    Path keys = Files.createDirectories(dir.resolve("agent-keys"));
    KeyFiles.writePublic(keys.resolve("server.pub.json"), fleet.server.serverKey());
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("deviceId", "daemon-1");
    c.put("brokerUrl", brokerUrl);
    c.put("dataDir", "agent-data");
    c.put("labels", Map.of("hw", "rpi4"));
    c.put("trustKeys", List.of(fleet.dir.resolve("keys/packager.pub.json").toString(), "agent-keys/server.pub.json"));
    c.put("telemetryInterval", "300ms");
    c.put("reconnectBase", "100ms");
    c.put("reconnectMax", "1s");
    return Files.write(dir.resolve(name), Json.writePretty(c));
  }

  private static int daemonActiveVersion(FleetFixture fleet) throws Exception {
    for (JsonNode d : fleet.api.getJson("/api/v1/devices").get("devices")) {
      if (d.get("id").asText().equals("daemon-1")) {
        return RolloutEndToEndTest.activeVersion(d, SampleBundles.MODEL);
      }
    }
    return -1;
  }
}
