package org.edgefleet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.PostgresCluster;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.TestBundles;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The whole server on PostgreSQL (--database-url): a rollout and telemetry, across a restart. */
@ExtendWith(PostgresCluster.class)
class PostgresServerTest {

  private static final Duration LONG = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);

  @Test
  void aRolloutAndItsTelemetryLiveInPostgresqlAcrossARestart() throws Exception {
    DatabaseConfig database = PostgresCluster.newDatabase();
    Path trusted = TestServers.trustedKey(dir, packager);
    ServerConfig config = TestServers.config(dir.resolve("data")).trustedPackagerKeys(List.of(trusted))
        .set(Settings.DATABASE_URL, database.url()).set(Settings.DATABASE_USERNAME, database.username()).build();
    long id;
    try (FleetServer server = FleetServer.start(config);
         FakeDevice eu = new FakeDevice(server.mqttUrl(), "cam-eu", server.topics());
         FakeDevice us = new FakeDevice(server.mqttUrl(), "cam-us", server.topics())) {
      Api api = Api.admin(server);
      TrustStore trust = TrustStore.of(server.serverKey());
      eu.report(Map.of("region", "eu"), 0, List.of());
      us.report(Map.of("region", "us"), 0, List.of());
      await().atMost(LONG).until(() -> api.get("/api/v1/devices?selector=region%3Deu").json().get("devices").size() == 1);
      assertThat(api.upload(TestBundles.write(dir.resolve("b1"), packager, "detector", 1, 100_000)).status()).isEqualTo(201);

      JsonNode created = api.postJson("/api/v1/rollouts", "{\"model\":\"detector\",\"version\":1}").json();
      id = created.get("id").asLong();
      DesiredState desired = eu.awaitDesired(trust, 1, LONG);
      assertThat(eu.fetch(desired.models().get(0).bundle(), 8, LONG)).hasSize((int) desired.models().get(0).bundle().size());
      eu.event("detector", 1, Execution.ACTIVATE, Result.SUCCESS, null);
      eu.report(Map.of("region", "eu"), desired.revision(), List.of(FakeDevice.active("detector", 1)));
      Instant from = Instant.now().minusSeconds(60);
      for (int seq = 1; seq <= 3; seq++) {
        eu.publish(TopicKind.TELEMETRY, telemetry(seq, from));
      }
      await().atMost(LONG).until(() -> inferences(api) == 150);
      us.event("detector", 1, Execution.INSTALL, Result.FAILURE, "disk_full");
      await().atMost(LONG).until(() -> api.get("/api/v1/rollouts/" + id).json().get("status").asText().equals("FINISHED"));
      // A replayed batch is stored once; the batch after it shows that it was handled (one device's batches keep their order).
      eu.publish(TopicKind.TELEMETRY, telemetry(1, from));
      eu.publish(TopicKind.TELEMETRY, telemetry(4, from));
      await().atMost(LONG).until(() -> inferences(api) >= 200);
    }

    try (FleetServer server = FleetServer.start(config)) {
      Api api = Api.admin(server);
      JsonNode rollout = api.get("/api/v1/rollouts/" + id).json();
      assertThat(rollout.get("counts").get("active").asInt()).isEqualTo(1);
      assertThat(rollout.get("counts").get("failed").asInt()).isEqualTo(1);
      assertThat(inferences(api)).isEqualTo(200);
      assertThat(api.get("/api/v1/devices/cam-eu").json().get("models").get(0).get("activeVersion").asInt()).isEqualTo(1);
      assertThat(api.get("/api/v1/models").json().toString()).contains("detector");
    }
  }

  private static byte[] telemetry(long seq, Instant from) {
    return MessageCodec.encode(new TelemetryBatch(MessageCodec.VERSION, "cam-eu", seq, from.plusSeconds(seq), from.plusSeconds(seq + 1),
        List.of(new TelemetryBatch.ModelMetrics("detector", 1, 50, 1, null)), null, null));
  }

  private static long inferences(Api api) throws Exception {
    JsonNode versions = api.get("/api/v1/metrics/models/detector").json().get("versions");
    return versions == null || versions.isEmpty() ? 0 : versions.get(0).get("inferences").asLong();
  }
}
