package org.edgefleet.server.drift;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.edgefleet.server.store.Transaction;

/** {@link DriftStore} in SQL that SQLite and PostgreSQL both run; the telemetry store writes the rows. */
public final class SqlDriftStore implements DriftStore {

  private final Transaction tx;

  public SqlDriftStore(Transaction tx) {
    this.tx = tx;
  }

  @Override
  public List<Row> rows(String model, int version, Instant from, Instant to) {
    return tx.query("SELECT device_id, received_at, input, feature, counts FROM telemetry_drift WHERE model = ? AND version = ? "
        + "AND received_at >= ? AND received_at <= ?", SqlDriftStore::read, model, version, from.toEpochMilli(), to.toEpochMilli());
  }

  private static Row read(ResultSet rs) throws SQLException {
    String text = rs.getString(5);
    String[] parts = text.split(",", -1);
    long[] counts = new long[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        counts[i] = Long.parseLong(parts[i]);
      }
    } catch (NumberFormatException e) {
      throw new SQLException("drift counts of " + rs.getString(1) + " are corrupt", e);
    }
    return new Row(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4), counts);
  }
}
