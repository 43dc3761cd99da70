package org.edgefleet.bench.telemetry;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * The telemetry benchmark's baseline: the same rows written straight into a fresh SQLite file with
 * plain JDBC, the fastest the database allows without a server. The tables, primary key, index,
 * statements and pragmas match the server's ({@code sqlite-001-init.sql}, {@code Database}); rows
 * go in batched, 1000 messages per transaction. No decoding, no broker, no queues.
 */
final class RawTelemetryInsert {

  static final int MESSAGES_PER_TRANSACTION = 1000;

  private static final List<String> SCHEMA = List.of(
      "CREATE TABLE telemetry_batches (device_id TEXT NOT NULL, seq INTEGER NOT NULL, received_at INTEGER NOT NULL,"
          + " from_ts INTEGER NOT NULL, to_ts INTEGER NOT NULL, cpu_load REAL, rss_bytes INTEGER, heap_bytes INTEGER,"
          + " temperature_c REAL, PRIMARY KEY (device_id, seq)) WITHOUT ROWID",
      "CREATE TABLE telemetry_models (device_id TEXT NOT NULL, seq INTEGER NOT NULL, model TEXT NOT NULL,"
          + " version INTEGER NOT NULL, received_at INTEGER NOT NULL, inferences INTEGER NOT NULL, errors INTEGER NOT NULL,"
          + " latency_micros TEXT)",
      "CREATE INDEX telemetry_models_by_model ON telemetry_models (model, version, received_at)");

  private RawTelemetryInsert() {}

  /** Inserts every message's rows into a new database file; returns the time from the first insert to the last commit. */
  static Duration insert(Path file, List<TelemetryWorkload.Message> messages) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=NORMAL");
        s.execute("PRAGMA cache_size=-65536");
        for (String ddl : SCHEMA) {
          s.execute(ddl);
        }
      }
      c.setAutoCommit(false);
      long start = System.nanoTime();
      try (PreparedStatement batches = c.prepareStatement("INSERT OR IGNORE INTO telemetry_batches (device_id, seq,"
          + " received_at, from_ts, to_ts, cpu_load, rss_bytes, heap_bytes, temperature_c) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
           PreparedStatement models = c.prepareStatement("INSERT INTO telemetry_models (device_id, seq, model, version,"
               + " received_at, inferences, errors, latency_micros) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int from = 0; from < messages.size(); from += MESSAGES_PER_TRANSACTION) {
          long receivedAt = System.currentTimeMillis();
          for (TelemetryWorkload.Message m : messages.subList(from, Math.min(messages.size(), from + MESSAGES_PER_TRANSACTION))) {
            addRows(batches, models, m, receivedAt);
          }
          batches.executeBatch();
          models.executeBatch();
          c.commit();
        }
      }
      return Duration.ofNanos(System.nanoTime() - start);
    }
  }

  private static void addRows(PreparedStatement batches, PreparedStatement models, TelemetryWorkload.Message m, long receivedAt)
      throws Exception {
    var b = m.batch();
    var u = b.resources();
    batches.setString(1, b.deviceId());
    batches.setLong(2, b.seq());
    batches.setLong(3, receivedAt);
    batches.setLong(4, b.from().toEpochMilli());
    batches.setLong(5, b.to().toEpochMilli());
    batches.setDouble(6, u.cpuLoad());
    batches.setLong(7, u.rssBytes());
    batches.setLong(8, u.heapUsedBytes());
    batches.setDouble(9, u.temperatureC());
    batches.addBatch();
    for (var model : b.models()) {
      models.setString(1, b.deviceId());
      models.setLong(2, b.seq());
      models.setString(3, model.name());
      models.setInt(4, model.version());
      models.setLong(5, receivedAt);
      models.setLong(6, model.count());
      models.setLong(7, model.errors());
      models.setString(8, model.latencyMicros());
      models.addBatch();
    }
  }
}
