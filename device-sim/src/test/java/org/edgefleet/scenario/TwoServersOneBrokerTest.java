package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.edgefleet.packager.sample.MotorDataGenerator;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.PostgresCluster;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two fleet servers share one Mosquitto (a shared-subscription group) and one PostgreSQL database
 * (and one data directory for bundles and keys), with fifty simulated devices. Server A runs in a
 * child JVM and starts first, so it holds the periodic-work lease; server B runs in this JVM.
 * A rollout started on A of a bundle uploaded to B completes; telemetry that both ingest is
 * counted once; then A is SIGKILLed right after it started a second rollout, and B takes the
 * lease over and finishes that rollout.
 */
@ExtendWith(PostgresCluster.class)
class TwoServersOneBrokerTest {

  static final int DEVICES = 50;
  static final int PREDICTIONS_PER_DEVICE = 20;
  static final Duration PATIENCE = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void aRolloutStartedOnOneInstanceIsFinishedByTheOtherAfterTheFirstIsKilled() throws Exception {
    SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
    Path pub = Files.createDirectories(dir.resolve("keys")).resolve("packager.pub.json");
    KeyFiles.writePublic(pub, packager.publicKey());
    SampleBundles bundles = SampleBundles.create(dir.resolve("bundles"), packager);
    DatabaseConfig db = PostgresCluster.newDatabase();
    Path shared = dir.resolve("shared-data");

    try (MosquittoBroker mosquitto = MosquittoBroker.start(dir.resolve("mosquitto"))) {
      // A slow chunk budget per instance, so the second rollout is still downloading when A dies.
      List<String> flags = new ArrayList<>(List.of("--data-dir", shared.toString(), "--database-url", db.url(),
          "--database-username", db.username(), "--broker-url", mosquitto.url(), "--mqtt-shared-group", "fleet",
          "--lease-duration", "3s", "--chunk-bytes-per-second", Long.toString(1 << 20), "--trust-key", pub.toString()));
      flags.addAll(List.of("--mqtt-client-id", "server-a"));
      try (ServerProcess a = ServerProcess.start(dir.resolve("server-a.log"), flags);
           FleetServer b = FleetServer.start(ServerConfig.builder().dataDir(shared).httpPort(0).brokerUrl(mosquitto.url())
               .set(Settings.DATABASE_URL, db.url()).set(Settings.DATABASE_USERNAME, db.username())
               .set(Settings.MQTT_SHARED_GROUP, "fleet").set(Settings.MQTT_CLIENT_ID, "server-b")
               .set(Settings.LEASE_DURATION, Duration.ofSeconds(3)).chunkRates(200, 8L << 20, 1L << 20)
               .trustedPackagerKeys(List.of(pub)).build())) {
        // A made the first admin token in the data directory both share, B found it there.
        FleetApi apiA = new FleetApi(a.httpUrl(), FleetApi.adminToken(b.adminTokenFile()));
        FleetApi apiB = FleetApi.admin(b);
        assertThat(b.leading()).as("A started first and holds the lease").isFalse();

        upload(apiB, bundles.bundle(1));
        try (FleetSimulator sim = FleetSimulator.builder().brokerUrl(mosquitto.url()).dataRoot(dir.resolve("devices"))
            .trust(TrustStore.of(packager.publicKey(), b.serverKey())).devices(DEVICES)
            .profiles(List.of(new DeviceProfile("app-driven", Map.of("hw", "rpi4"), 0, 0)))
            .telemetryInterval(Duration.ofMillis(300))
            .customizeAgents(ag -> ag.reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))).start()) {
          await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() ->
              apiA.getJson("/api/v1/devices").get("devices").size() == DEVICES
                  && apiB.getJson("/api/v1/devices").get("devices").size() == DEVICES);

          // A rollout started on A, of the bundle uploaded to B, completes; both see it finished.
          String first = rollout(apiA, 1);
          await().atMost(PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 1) == DEVICES);
          await().atMost(PATIENCE).until(() -> status(apiB, first).equals("FINISHED") && status(apiA, first).equals("FINISHED"));
          assertThat(sim.totalFailures()).isZero();

          // Telemetry split between the two instances by the broker is counted once.
          OfflineTelemetryTest.predictOnEveryDevice(sim, MotorDataGenerator.create(), new Random(9), PREDICTIONS_PER_DEVICE);
          long expected = (long) DEVICES * PREDICTIONS_PER_DEVICE;
          await().atMost(PATIENCE).until(() -> inferences(apiB, 1) >= expected
              && sim.devices().stream().allMatch(d -> d.agent().stats().outboxSize() == 0));
          assertThat(inferences(apiB, 1)).isEqualTo(expected);
          assertThat(inferences(apiA, 1)).isEqualTo(expected);
          assertThat(telemetryMessages(apiA)).as("A ingested telemetry").isPositive();
          assertThat(telemetryMessages(apiB)).as("B ingested telemetry").isPositive();

          // A second rollout, started on A; A is killed while the devices download it.
          upload(apiB, bundles.largeBundle(2, 256 * 1024));
          String second = rollout(apiA, 2);
          a.kill();
          assertThat(status(apiB, second)).as("killed mid-rollout").isEqualTo("RUNNING");
          assertThat(sim.countActive(SampleBundles.MODEL, 2)).as("killed mid-rollout").isLessThan(DEVICES);

          await().atMost(PATIENCE).until(b::leading);
          await().atMost(PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 2) == DEVICES);
          await().atMost(PATIENCE).until(() -> status(apiB, second).equals("FINISHED"));
          JsonNode done = apiB.getJson("/api/v1/rollouts/" + second);
          assertThat(done.get("counts").get("active").asInt()).as(done.toString()).isEqualTo(DEVICES);
        }
      }
    }
  }

  private static void upload(FleetApi api, Path bundle) throws Exception {
    FleetApi.Response r = api.uploadBundle(bundle);
    assertThat(r.status()).as(r.text()).isEqualTo(201);
  }

  private static String rollout(FleetApi api, int version) throws Exception {
    FleetApi.Response r = api.createRollout(SampleBundles.MODEL, version, "");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.body().get("id").asText();
  }

  private static String status(FleetApi api, String rollout) throws Exception {
    return api.getJson("/api/v1/rollouts/" + rollout).get("status").asText();
  }

  private static long inferences(FleetApi api, int version) throws Exception {
    for (JsonNode v : api.getJson("/api/v1/metrics/models/" + SampleBundles.MODEL).get("versions")) {
      if (v.get("version").asInt() == version) {
        return v.get("inferences").asLong();
      }
    }
    return 0;
  }

  /** The instance's count of telemetry messages received, from its Prometheus text. */
  private static double telemetryMessages(FleetApi api) throws Exception {
    for (String line : api.getText("/metrics").split("\n")) {
      if (line.startsWith("fleet_device_messages_total{") && line.contains("kind=\"telemetry\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }
}
