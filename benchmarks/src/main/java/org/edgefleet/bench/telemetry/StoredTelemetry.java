package org.edgefleet.bench.telemetry;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads how much telemetry the server has stored, from its SQLite file on a connection of our own
 * (WAL lets it read while the server writes). Polling uses the highest row id of
 * {@code telemetry_models}, one row per single-model batch and nothing deleted during a run, because
 * it costs a lookup where COUNT(*) would scan a table that grows to hundreds of thousands of rows
 * while the server is being timed; the exact count is checked once timing is over.
 */
final class StoredTelemetry implements AutoCloseable {

  private final Connection c;

  private StoredTelemetry(Connection c) {
    this.c = c;
  }

  static StoredTelemetry open(Path databaseFile) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + databaseFile.toAbsolutePath());
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=5000");
    }
    return new StoredTelemetry(c);
  }

  /** Model rows stored so far: cheap, for polling. */
  long modelRows() throws SQLException {
    return single("SELECT COALESCE(MAX(rowid), 0) FROM telemetry_models");
  }

  /** Batches stored, counted exactly. */
  long batches() throws SQLException {
    return single("SELECT COUNT(*) FROM telemetry_batches");
  }

  private long single(String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  @Override
  public void close() throws SQLException {
    c.close();
  }
}
