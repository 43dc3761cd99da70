package org.edgefleet.server.telemetry;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.message.TelemetryBatch.DriftCounts;
import org.edgefleet.protocol.message.TelemetryBatch.ModelMetrics;
import org.edgefleet.protocol.message.TelemetryBatch.ResourceUsage;
import org.edgefleet.server.store.SeqEpochs;
import org.edgefleet.server.store.Transaction;

/**
 * {@link TelemetryStore} in SQL that SQLite and PostgreSQL both run: one batched
 * {@code INSERT ... ON CONFLICT DO NOTHING} of the batch rows decides which batches are new (the
 * primary key is device, epoch and seq; a batch another transaction stores first is a replay here),
 * then one batched insert of their metrics and one of their drift histograms. A known seq with another interval is a restarted
 * sequence ({@link SeqEpochs}).
 */
public final class SqlTelemetryStore implements TelemetryStore {

  private static final String INSERT_BATCH = "INSERT INTO telemetry_batches (device_id, epoch, seq, received_at, from_ts, "
      + "to_ts, cpu_load, rss_bytes, heap_bytes, temperature_c) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      + "ON CONFLICT (device_id, epoch, seq) DO NOTHING";

  private static final int DEVICES_PER_QUERY = 500;
  private static final long[] STEPS = {SqlRollups.MINUTE_MS, SqlRollups.HOUR_MS};

  private final Transaction tx;

  public SqlTelemetryStore(Transaction tx) {
    this.tx = tx;
  }

  @Override
  public List<Boolean> insert(List<Received> batches) {
    SeqEpochs epochs = new SeqEpochs(tx);
    Map<String, Long> epoch = new HashMap<>(epochs.lock(batches.stream().map(r -> r.batch().deviceId()).toList()));
    List<Object[]> rows = new ArrayList<>(batches.size());
    for (Received r : batches) {
      rows.add(batchRow(r, epoch.get(r.batch().deviceId())));
    }
    int[] inserted = tx.batch(INSERT_BATCH, rows);
    List<Boolean> stored = new ArrayList<>(batches.size());
    long[] storedEpoch = new long[batches.size()];
    for (int i = 0; i < batches.size(); i++) {
      Received r = batches.get(i);
      String device = r.batch().deviceId();
      boolean isNew = inserted[i] > 0;
      if (!isNew && !storedBatchMatches(r.batch(), epoch.get(device))) {
        // Another batch under a stored seq: the device's sequence restarted.
        epoch.put(device, epochs.next(device));
        isNew = tx.update(INSERT_BATCH, batchRow(r, epoch.get(device))) > 0;
      }
      storedEpoch[i] = epoch.get(device);
      stored.add(isNew);
    }
    List<Object[]> metrics = new ArrayList<>();
    for (int i = 0; i < batches.size(); i++) {
      if (stored.get(i)) {
        Received r = batches.get(i);
        for (ModelMetrics m : r.batch().models()) {
          metrics.add(new Object[] {r.batch().deviceId(), storedEpoch[i], r.batch().seq(), m.name(), m.version(),
              r.receivedAt().toEpochMilli(), m.count(), m.errors(), m.latencyMicros(), jsonOrNull(m.shadow()),
              jsonOrNull(m.outcomes()), m.invalidOutputs()});
        }
      }
    }
    tx.batch("INSERT INTO telemetry_models (device_id, epoch, seq, model, version, received_at, inferences, errors, "
        + "latency_micros, shadow_json, outcomes_json, invalid_outputs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", metrics);
    List<Object[]> drift = new ArrayList<>();
    for (int i = 0; i < batches.size(); i++) {
      if (stored.get(i)) {
        Received r = batches.get(i);
        for (DriftCounts d : r.batch().drift()) {
          drift.add(new Object[] {r.batch().deviceId(), storedEpoch[i], r.batch().seq(), d.model(), d.version(),
              r.receivedAt().toEpochMilli(), d.input(), d.feature(),
              d.counts().stream().map(String::valueOf).collect(Collectors.joining(","))});
        }
      }
    }
    tx.batch("INSERT INTO telemetry_drift (device_id, epoch, seq, model, version, received_at, input, feature, counts) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", drift);
    return stored;
  }

  private static String jsonOrNull(Object value) {
    return value == null ? null : Json.writeString(value);
  }

  private static Object[] batchRow(Received r, long epoch) {
    TelemetryBatch b = r.batch();
    ResourceUsage u = b.resources();
    return new Object[] {b.deviceId(), epoch, b.seq(), r.receivedAt().toEpochMilli(), b.from().toEpochMilli(),
        b.to().toEpochMilli(), u == null ? null : u.cpuLoad(), u == null ? null : u.rssBytes(),
        u == null ? null : u.heapUsedBytes(), u == null ? null : u.temperatureC()};
  }

  // The same batch sent again (same interval), as opposed to another batch under a restarted seq.
  private boolean storedBatchMatches(TelemetryBatch b, long epoch) {
    return tx.first("SELECT 1 FROM telemetry_batches WHERE device_id = ? AND epoch = ? AND seq = ? AND from_ts = ? AND to_ts = ?",
        rs -> true, b.deviceId(), epoch, b.seq(), b.from().toEpochMilli(), b.to().toEpochMilli()).isPresent();
  }

  @Override
  public boolean hasAny(String model) {
    return tx.first("SELECT 1 FROM telemetry_models WHERE model = ? LIMIT 1", rs -> true, model).isPresent()
        || tx.first("SELECT 1 FROM telemetry_model_rollups WHERE model = ? LIMIT 1", rs -> true, model).isPresent();
  }

  /** The columns of a raw row that {@link #rawRow} reads, in its order. */
  static final String RAW_COLUMNS = "version, device_id, inferences, errors, latency_micros, shadow_json, outcomes_json, "
      + "invalid_outputs";
  /** The columns of a bucket that {@link #bucketRow} reads, in its order. */
  static final String BUCKET_COLUMNS = "version, device_id, inferences, errors, latency_micros, shadow_json, shadow_weight, "
      + "outcomes_json, invalid_checked, invalid_outputs";

  /** A raw row from {@link #RAW_COLUMNS} starting at column {@code first}. */
  static Row rawRow(ResultSet rs, int first) throws SQLException {
    return Row.ofBatch(rs.getInt(first), rs.getString(first + 1), rs.getLong(first + 2), rs.getLong(first + 3),
        rs.getString(first + 4), rs.getString(first + 5), rs.getString(first + 6), nullableLong(rs, first + 7));
  }

  /** A bucket from {@link #BUCKET_COLUMNS} starting at column {@code first}. */
  static Row bucketRow(ResultSet rs, int first) throws SQLException {
    return new Row(rs.getInt(first), rs.getString(first + 1), rs.getLong(first + 2), rs.getLong(first + 3),
        rs.getString(first + 4), rs.getString(first + 5), rs.getLong(first + 6), rs.getString(first + 7),
        rs.getLong(first + 8), rs.getLong(first + 9));
  }

  /**
   * The gate query, which shadow and A/B readings share: raw rows since the time, and the minute
   * and hour buckets that end after it: a window reaching back past the raw retention is widened
   * to whole buckets.
   */
  @Override
  public List<Row> rows(String model, int version, Collection<String> devices, Instant since) {
    List<Row> out = new ArrayList<>();
    List<String> all = List.copyOf(devices);
    // Bound parameters per statement stay well under SQLite's limit; PostgreSQL gets the same pieces.
    for (int from = 0; from < all.size(); from += DEVICES_PER_QUERY) {
      List<String> part = all.subList(from, Math.min(all.size(), from + DEVICES_PER_QUERY));
      String in = " AND device_id IN (" + String.join(", ", Collections.nCopies(part.size(), "?")) + ")";
      List<Object> args = new ArrayList<>(List.of(model, version, since.toEpochMilli()));
      args.addAll(part);
      out.addAll(tx.query("SELECT " + RAW_COLUMNS + " FROM telemetry_models WHERE model = ? AND version = ? AND received_at >= ?"
          + in, rs -> rawRow(rs, 1), args.toArray()));
      for (long step : STEPS) {
        List<Object> bucketArgs = new ArrayList<>(List.of(step, model, version, since.toEpochMilli() - step));
        bucketArgs.addAll(part);
        out.addAll(tx.query("SELECT " + BUCKET_COLUMNS + " FROM telemetry_model_rollups WHERE step_ms = ? AND model = ? "
            + "AND version = ? AND bucket_start > ?" + in, rs -> bucketRow(rs, 1), bucketArgs.toArray()));
      }
    }
    return out;
  }

  @Override
  public List<Row> rows(String model, Instant since) {
    List<Row> out = new ArrayList<>(tx.query("SELECT " + RAW_COLUMNS + " FROM telemetry_models WHERE model = ? AND received_at >= ?",
        rs -> rawRow(rs, 1), model, since.toEpochMilli()));
    for (long step : STEPS) {
      out.addAll(tx.query("SELECT " + BUCKET_COLUMNS + " FROM telemetry_model_rollups WHERE step_ms = ? AND model = ? "
          + "AND bucket_start > ?", rs -> bucketRow(rs, 1), step, model, since.toEpochMilli() - step));
    }
    out.sort(Comparator.comparingInt(Row::version));
    return out;
  }

  @Override
  public ResourceSummary resources(Collection<String> devices, Instant since) {
    ResourceBucket total = new ResourceBucket();
    List<String> all = devices == null ? null : List.copyOf(devices);
    int parts = all == null ? 1 : (all.size() + DEVICES_PER_QUERY - 1) / DEVICES_PER_QUERY;
    for (int p = 0; p < parts; p++) {
      List<String> part = all == null ? List.of() : all.subList(p * DEVICES_PER_QUERY, Math.min(all.size(), (p + 1) * DEVICES_PER_QUERY));
      String in = all == null ? "" : " AND device_id IN (" + String.join(", ", Collections.nCopies(part.size(), "?")) + ")";
      List<Object> args = new ArrayList<>(List.of(since.toEpochMilli()));
      args.addAll(part);
      tx.first("SELECT COUNT(cpu_load), MIN(cpu_load), SUM(cpu_load), MAX(cpu_load), COUNT(rss_bytes), MIN(rss_bytes), "
          + "SUM(rss_bytes), MAX(rss_bytes), COUNT(temperature_c), MIN(temperature_c), SUM(temperature_c), MAX(temperature_c) "
          + "FROM telemetry_batches WHERE received_at >= ?" + in, rs -> {
            SqlRollups.addStats(total, rs, 1);
            return true;
          }, args.toArray());
      for (long step : STEPS) {
        List<Object> bucketArgs = new ArrayList<>(List.of(step, since.toEpochMilli() - step));
        bucketArgs.addAll(part);
        tx.first("SELECT SUM(cpu_n), MIN(cpu_min), SUM(cpu_sum), MAX(cpu_max), SUM(rss_n), MIN(rss_min), SUM(rss_sum), "
            + "MAX(rss_max), SUM(temp_n), MIN(temp_min), SUM(temp_sum), MAX(temp_max) FROM telemetry_resource_rollups "
            + "WHERE step_ms = ? AND bucket_start > ?" + in, rs -> {
              SqlRollups.addStats(total, rs, 1);
              return true;
            }, bucketArgs.toArray());
      }
    }
    return new ResourceSummary(total.cpu.range(), total.rss.range(), total.temperature.range());
  }

  private static Long nullableLong(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }
}
