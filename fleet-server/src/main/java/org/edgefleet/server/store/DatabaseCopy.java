package org.edgefleet.server.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Copies every row of one fleet database into another, empty one: the move from the embedded
 * SQLite file to PostgreSQL. Both are first brought to this server's schema ({@link Migrations}),
 * so the tables match; the whole copy is one transaction on the target, which commits only when
 * every table holds as many rows as in the source. A source with a table this copy does not know
 * is refused rather than copied in part. The source must not change meanwhile: stop the server.
 */
public final class DatabaseCopy {

  /** Every table of the schema, in an order that puts a rollout before its targets. */
  static final List<String> TABLES = List.of("model_names", "model_versions", "devices", "device_seq_epochs",
      "device_events", "device_model_events", "desired", "assignments", "rollouts", "rollout_targets",
      "rollout_history", "cohorts", "telemetry_batches", "telemetry_models", "telemetry_drift",
      "telemetry_model_rollups", "telemetry_resource_rollups", "alert_rules", "alerts", "alert_deliveries",
      "enrollment_tokens", "device_identities", "sampling_policies", "samples", "sample_outcomes",
      "api_tokens", "audit_log", "admin_bootstrap", "dashboard_sessions");
  // The target's own migrations fill its history; a lease names an instance of the old setup, so none is copied.
  private static final Set<String> NOT_COPIED = Set.of("flyway_schema_history", "leases");
  private static final int ROWS_PER_BATCH = 1000;

  private DatabaseCopy() {}

  /**
   * Copies {@code from} into {@code to} and returns the rows of each table, the same on both sides.
   *
   * @throws StoreException naming the table when the target is not empty, a count differs, or a database fails
   */
  public static Map<String, Long> copy(DatabaseConfig from, DatabaseConfig to, Consumer<String> progress) {
    try (Database source = Database.open(from); Database target = Database.open(to)) {
      return target.execute(tx -> source.read(src -> copy(src, tx, progress)).join()).join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof StoreException s ? s : e;
    }
  }

  private static Map<String, Long> copy(Transaction src, Transaction dst, Consumer<String> progress) {
    requireKnownTables(src);
    for (String table : TABLES) {
      if (count(dst, table) > 0) {
        throw new StoreException("the target database already holds rows in " + table
            + ": copy into an empty database (a new one, or drop and recreate it)", null);
      }
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String table : TABLES) {
      long copied = copyTable(src.connection(), dst.connection(), table);
      long expected = count(src, table);
      long stored = count(dst, table);
      if (copied != expected || stored != expected) {
        throw new StoreException(table + ": the source holds " + expected + " rows but " + stored
            + " arrived: nothing was copied; is a server still writing to the source?", null);
      }
      counts.put(table, stored);
      progress.accept(table + ": " + stored + " rows");
    }
    if (dst.dialect() == Dialect.POSTGRESQL) {
      // The ids came with the rows: the next rollout, history entry, alert, sample and audit entry must be numbered after them.
      for (String table : List.of("rollouts", "rollout_history", "alerts", "samples", "audit_log")) {
        dst.query("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), COALESCE((SELECT MAX(id) FROM " + table
            + "), 0) + 1, false)", rs -> null);
      }
    }
    return counts;
  }

  private static void requireKnownTables(Transaction src) {
    TreeSet<String> unknown = new TreeSet<>();
    try {
      DatabaseMetaData meta = src.connection().getMetaData();
      try (ResultSet rs = meta.getTables(null, null, "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          String name = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
          if (!TABLES.contains(name) && !name.startsWith("sqlite_") && !NOT_COPIED.contains(name)) {
            unknown.add(name);
          }
        }
      }
    } catch (SQLException e) {
      throw StoreException.of(e, "list the tables of the source");
    }
    if (!unknown.isEmpty()) {
      throw new StoreException("the source has tables this copy does not know: " + unknown
          + ": use the copy of the server version that made them", null);
    }
  }

  private static long copyTable(Connection src, Connection dst, String table) {
    String select = "SELECT * FROM " + table;
    try (Statement s = src.createStatement(); ResultSet rs = s.executeQuery(select)) {
      ResultSetMetaData meta = rs.getMetaData();
      List<String> columns = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        columns.add(meta.getColumnName(i));
      }
      String insert = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
          + String.join(", ", columns.stream().map(c -> "?").toList()) + ")";
      long rows = 0;
      try (PreparedStatement ps = dst.prepareStatement(insert)) {
        while (rs.next()) {
          for (int i = 1; i <= columns.size(); i++) {
            ps.setObject(i, rs.getObject(i));
          }
          ps.addBatch();
          if (++rows % ROWS_PER_BATCH == 0) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      } catch (SQLException e) {
        throw StoreException.of(e, insert);
      }
      return rows;
    } catch (SQLException e) {
      throw StoreException.of(e, select);
    }
  }

  private static long count(Transaction tx, String table) {
    return tx.number("SELECT COUNT(*) FROM " + table, 0);
  }
}
