package org.edgefleet.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Telemetry that the broker acknowledged to a device while the database refused every telemetry
 * write is all stored, once each, after the database is whole again: the server acknowledges a
 * message to the broker only once it is stored, and tries a failed write again meanwhile. When the
 * server acknowledged on arrival, the batches of every transaction that failed were gone.
 */
class StoredBeforeAcknowledgedTest {

  private static final Duration LONG = Duration.ofSeconds(90);
  private static final int BATCHES = 40;
  private static final Duration BROKEN = Duration.ofSeconds(4);

  @TempDir Path dir;

  @Test
  void telemetryAcknowledgedByTheBrokerWhileTheDatabaseRefusedWritesIsStoredOnceEach() throws Exception {
    Path data = dir.resolve("data");
    try (FleetServer server = FleetServer.start(TestServers.config(data).build());
         FakeDevice device = new FakeDevice(server.mqttUrl(), "dev-held", server.topics())) {
      Api api = Api.admin(server);
      device.report(Map.of("hw", "rpi4"), 0, List.of());
      await().atMost(LONG).until(() -> api.get("/api/v1/devices").json().get("devices").size() == 1);
      String db = "jdbc:sqlite:" + data.resolve("fleet.db");
      // A table that every telemetry write needs is gone for a while: those writes fail at once (no such table).
      try (Connection admin = DriverManager.getConnection(db); Statement sql = admin.createStatement()) {
        sql.execute("ALTER TABLE telemetry_models RENAME TO telemetry_models_away");
        long brokenUntil = System.nanoTime() + BROKEN.toNanos();
        for (int seq = 1; seq <= BATCHES; seq++) {
          device.publish(TopicKind.TELEMETRY, MessageCodec.encode(batch("dev-held", seq))); // returns once the broker acknowledged
        }
        Thread.sleep(Math.max(0, (brokenUntil - System.nanoTime()) / 1_000_000));
        assertThat(storedBatches(db)).isZero();
        sql.execute("ALTER TABLE telemetry_models_away RENAME TO telemetry_models");
      }
      await().atMost(LONG).until(() -> storedBatches(db) >= BATCHES);
      // A write tried again, or a copy the broker sent again, is not stored twice.
      Thread.sleep(1000);
      assertThat(storedBatches(db)).isEqualTo(BATCHES);
      assertThat(distinctSeqs(db)).isEqualTo(BATCHES);
      assertThat(count(db, "SELECT COUNT(*) FROM telemetry_models WHERE device_id = 'dev-held'")).isEqualTo(BATCHES);
    }
  }

  private static TelemetryBatch batch(String deviceId, long seq) {
    Instant to = Instant.now();
    return new TelemetryBatch(MessageCodec.VERSION, deviceId, seq, to.minusSeconds(10), to,
        List.of(new TelemetryBatch.ModelMetrics("held", 1, 5, 0, null, null, null, null)), null, Map.of());
  }

  private static long storedBatches(String db) throws SQLException {
    return count(db, "SELECT COUNT(*) FROM telemetry_batches WHERE device_id = 'dev-held'");
  }

  private static long distinctSeqs(String db) throws SQLException {
    return count(db, "SELECT COUNT(DISTINCT seq) FROM telemetry_batches WHERE device_id = 'dev-held'");
  }

  private static long count(String db, String query) throws SQLException {
    try (Connection c = DriverManager.getConnection(db); Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
      return r.next() ? r.getLong(1) : 0;
    }
  }
}
