package org.edgefleet.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/**
 * Creates and migrates the schema. Each migration is a numbered SQL script applied once, in order,
 * and recorded in {@code schema_version}; a database newer than this build is refused.
 */
final class SqliteSchema {

  /** Scripts under /db/, in order; the Nth script brings the schema to version N. */
  private static final List<String> MIGRATIONS = List.of("sqlite-001-init.sql");

  private SqliteSchema() {}

  static int migrate(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)");
    }
    int current = currentVersion(c);
    if (current > MIGRATIONS.size()) {
      throw new SQLException("the database schema is version " + current + " but this server knows only up to "
          + MIGRATIONS.size() + ": use a newer server or another data directory");
    }
    for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
      apply(c, MIGRATIONS.get(v - 1));
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)")) {
        ps.setInt(1, v);
        ps.setString(2, Instant.now().toString());
        ps.executeUpdate();
      }
    }
    return MIGRATIONS.size();
  }

  private static int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static void apply(Connection c, String script) throws SQLException {
    String sql;
    try (InputStream in = SqliteSchema.class.getResourceAsStream("/db/" + script)) {
      if (in == null) {
        throw new IllegalStateException("migration " + script + " is missing from the server jar");
      }
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (Statement s = c.createStatement()) {
      for (String statement : sql.split(";\\s*\\n")) {
        String trimmed = statement.strip();
        if (!trimmed.isEmpty() && !trimmed.lines().allMatch(l -> l.strip().startsWith("--") || l.isBlank())) {
          s.execute(trimmed);
        }
      }
    }
  }
}
