package org.edgefleet.server.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.TestBundles;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device gets its chunks while the database stands still and the inbox's storage backpressure
 * is saturated by another device's stream of events and telemetry. When chunk requests shared the connection
 * (and Paho's one callback thread) of the stored messages, the request waited behind that stream
 * until the database answered again, and this fetch never finished.
 */
class ChunksBesideInboxBackpressureTest {

  private static final Duration LONG = Duration.ofSeconds(90);
  private static final int MAX_PENDING = 2;
  // Events the broker acknowledged before the fetch starts: far more than the inbox can take while the database is held.
  private static final int BACKLOG = 200;

  @TempDir Path dir;

  private static TelemetryBatch telemetry(long seq) {
    Instant to = Instant.now();
    return new TelemetryBatch(MessageCodec.VERSION, "dev-chatty", seq, to.minusSeconds(10), to,
        List.of(new TelemetryBatch.ModelMetrics("beside", 1, 5, 0, null, null, null, null)), null, Map.of());
  }

  @Test
  void aDeviceGetsItsChunksWhileStoredMessagesWaitForAHeldDatabase() throws Exception {
    SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
    Path trusted = TestServers.trustedKey(dir, packager);
    Path data = dir.resolve("data");
    try (FleetServer server = FleetServer.start(TestServers.config(data).trustedPackagerKeys(List.of(trusted)).chunkSize(4096)
            .set(Settings.INBOX_MAX_PENDING, MAX_PENDING).build());
         FakeDevice fetcher = new FakeDevice(server.mqttUrl(), "dev-fetch", server.topics());
         FakeDevice chatty = new FakeDevice(server.mqttUrl(), "dev-chatty", server.topics())) {
      Api api = Api.admin(server);
      fetcher.report(Map.of("hw", "rpi4"), 0, List.of());
      chatty.report(Map.of("hw", "rpi4"), 0, List.of());
      await().atMost(LONG).until(() -> api.get("/api/v1/devices").json().get("devices").size() == 2);
      Path bundle = TestBundles.write(dir.resolve("b"), packager, "beside", 1, 200_000);
      assertThat(api.upload(bundle).status()).isEqualTo(201);
      assertThat(api.postJson("/api/v1/rollouts", "{\"model\":\"beside\",\"version\":1}").status()).isEqualTo(201);
      BundleRef ref = fetcher.awaitDesired(TrustStore.of(server.serverKey()), 1, LONG).models().get(0).bundle();

      AtomicBoolean chatting = new AtomicBoolean(true);
      AtomicInteger acknowledged = new AtomicInteger();
      AtomicLong seq = new AtomicLong();
      Thread stream = new Thread(() -> {
        while (chatting.get()) {
          try {
            chatty.event("beside", 1, DeviceEvent.Execution.DOWNLOAD, DeviceEvent.Result.SUCCESS, null);
            chatty.publish(TopicKind.TELEMETRY, MessageCodec.encode(telemetry(seq.incrementAndGet())));
            acknowledged.incrementAndGet();
            Thread.sleep(10);
          } catch (InterruptedException e) {
            return;
          } catch (Exception brokerBusy) {
            // Counted only when acknowledged; the stream goes on.
          }
        }
      }, "chatty-events");
      // Another writer holds SQLite's write lock: every write of the server waits out its busy timeout and fails.
      try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("fleet.db"));
           Statement sql = holder.createStatement()) {
        sql.execute("PRAGMA busy_timeout = 60000");
        sql.execute("BEGIN IMMEDIATE");
        stream.start();
        try {
          await().atMost(LONG).until(() -> acknowledged.get() >= BACKLOG);

          assertThat(fetcher.fetch(ref, 8, LONG)).isEqualTo(Files.readAllBytes(bundle));

          // The inbox was held back meanwhile: it took a few events per failed transaction, not the stream.
          double taken = TestServers.metric(api.get("/metrics").body(), "fleet_device_messages_total", "events");
          assertThat(taken).isLessThan(BACKLOG);
          assertThat(TestServers.metric(api.get("/metrics").body(), "fleet_device_messages_total", "telemetry")).isLessThan(BACKLOG);
        } finally {
          chatting.set(false);
          stream.interrupt();
          stream.join(Duration.ofSeconds(30).toMillis());
          sql.execute("ROLLBACK");
        }
      }
      // With the database back, stored messages flow again.
      chatty.report(Map.of("hw", "rpi5"), 0, List.of());
      await().atMost(LONG).until(() -> api.get("/api/v1/devices/dev-chatty").body().contains("rpi5"));
      await().atMost(LONG).until(server::mqttConnected);
    }
  }
}
