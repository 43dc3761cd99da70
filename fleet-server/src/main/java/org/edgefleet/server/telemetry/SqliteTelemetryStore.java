package org.edgefleet.server.telemetry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.message.TelemetryBatch.ModelMetrics;
import org.edgefleet.protocol.message.TelemetryBatch.ResourceUsage;

/**
 * {@link TelemetryStore} on SQLite: one batched INSERT OR IGNORE of the batch rows decides which
 * batches are new (the primary key is device and seq), then one batched insert of their metrics.
 */
public final class SqliteTelemetryStore implements TelemetryStore {

  private final Connection c;

  public SqliteTelemetryStore(Connection connection) {
    this.c = connection;
  }

  @Override
  public List<Boolean> insert(List<Received> batches) throws SQLException {
    int[] inserted;
    try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO telemetry_batches (device_id, seq, received_at, "
        + "from_ts, to_ts, cpu_load, rss_bytes, heap_bytes, temperature_c) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Received r : batches) {
        TelemetryBatch b = r.batch();
        ResourceUsage u = b.resources();
        ps.setString(1, b.deviceId());
        ps.setLong(2, b.seq());
        ps.setLong(3, r.receivedAt().toEpochMilli());
        ps.setLong(4, b.from().toEpochMilli());
        ps.setLong(5, b.to().toEpochMilli());
        setNullable(ps, 6, u == null ? null : u.cpuLoad(), Types.REAL);
        setNullable(ps, 7, u == null ? null : u.rssBytes(), Types.INTEGER);
        setNullable(ps, 8, u == null ? null : u.heapUsedBytes(), Types.INTEGER);
        setNullable(ps, 9, u == null ? null : u.temperatureC(), Types.REAL);
        ps.addBatch();
      }
      inserted = ps.executeBatch();
    }
    List<Boolean> stored = new ArrayList<>(batches.size());
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO telemetry_models (device_id, seq, model, version, "
        + "received_at, inferences, errors, latency_micros) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      boolean any = false;
      for (int i = 0; i < batches.size(); i++) {
        boolean isNew = inserted[i] > 0;
        stored.add(isNew);
        if (!isNew) {
          continue;
        }
        Received r = batches.get(i);
        for (ModelMetrics m : r.batch().models()) {
          ps.setString(1, r.batch().deviceId());
          ps.setLong(2, r.batch().seq());
          ps.setString(3, m.name());
          ps.setInt(4, m.version());
          ps.setLong(5, r.receivedAt().toEpochMilli());
          ps.setLong(6, m.count());
          ps.setLong(7, m.errors());
          ps.setString(8, m.latencyMicros());
          ps.addBatch();
          any = true;
        }
      }
      if (any) {
        ps.executeBatch();
      }
    }
    return stored;
  }

  @Override
  public boolean hasAny(String model) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM telemetry_models WHERE model = ? LIMIT 1")) {
      ps.setString(1, model);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Override
  public List<Row> rows(String model, Instant since) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT version, device_id, inferences, errors, latency_micros "
        + "FROM telemetry_models WHERE model = ? AND received_at >= ? ORDER BY version")) {
      ps.setString(1, model);
      ps.setLong(2, since.toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Row(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5)));
        }
      }
    }
    return out;
  }

  private static void setNullable(PreparedStatement ps, int index, Number value, int sqlType) throws SQLException {
    if (value == null) {
      ps.setNull(index, sqlType);
    } else if (sqlType == Types.REAL) {
      ps.setDouble(index, value.doubleValue());
    } else {
      ps.setLong(index, value.longValue());
    }
  }
}
