package org.edgefleet.server.telemetry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefleet.server.store.Transaction;

/**
 * The downsampler's SQL, which SQLite and PostgreSQL both run. Each call reads at most
 * {@code limit} source rows (locking them where the database has row locks), merges them into the
 * coarser buckets they fall in (merging with what those buckets already hold), and deletes the
 * source rows, all in the caller's transaction: a row is in exactly one resolution at any time.
 */
final class SqlRollups {

  static final long MINUTE_MS = Retention.MINUTE.toMillis();
  static final long HOUR_MS = Retention.HOUR.toMillis();

  private record BatchKey(String device, long epoch, long seq, long receivedAt) {}

  private record ModelKey(long step, long bucket, String device, String model, int version) {}

  private record DeviceKey(long step, long bucket, String device) {}

  private final Transaction tx;

  SqlRollups(Transaction tx) {
    this.tx = tx;
  }

  /** Folds up to {@code limit} of the oldest raw batches received before {@code before} into minute buckets; returns how many. */
  int foldRaw(Instant before, int limit) {
    Map<DeviceKey, ResourceBucket> resources = new LinkedHashMap<>();
    List<BatchKey> batches = tx.query("SELECT device_id, epoch, seq, received_at, cpu_load, rss_bytes, temperature_c "
        + "FROM telemetry_batches WHERE received_at < ? ORDER BY received_at LIMIT ?" + tx.dialect().forUpdate(), rs -> {
          BatchKey k = new BatchKey(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
          ResourceBucket b = resources.computeIfAbsent(new DeviceKey(MINUTE_MS, floor(k.receivedAt(), MINUTE_MS), k.device()),
              x -> new ResourceBucket());
          b.cpu.add(nullable(rs.getDouble(5), rs.wasNull()));
          b.rss.add(nullable(rs.getDouble(6), rs.wasNull()));
          b.temperature.add(nullable(rs.getDouble(7), rs.wasNull()));
          return k;
        }, before.toEpochMilli(), limit);
    if (batches.isEmpty()) {
      return 0;
    }
    Set<BatchKey> picked = new HashSet<>(batches);
    Map<ModelKey, ModelBucket> models = new LinkedHashMap<>();
    // Model rows carry their batch's received_at, so the batches' time range finds them by index.
    tx.query("SELECT epoch, seq, received_at, model, " + SqlTelemetryStore.RAW_COLUMNS
        + " FROM telemetry_models WHERE received_at >= ? AND received_at <= ?", rs -> {
          TelemetryStore.Row row = SqlTelemetryStore.rawRow(rs, 5);
          BatchKey k = new BatchKey(row.deviceId(), rs.getLong(1), rs.getLong(2), rs.getLong(3));
          if (picked.contains(k)) {
            models.computeIfAbsent(new ModelKey(MINUTE_MS, floor(k.receivedAt(), MINUTE_MS), k.device(), rs.getString(4),
                row.version()), x -> new ModelBucket()).add(row);
          }
          return null;
        }, batches.get(0).receivedAt(), batches.get(batches.size() - 1).receivedAt());
    writeModels(models);
    writeResources(resources);
    List<Object[]> keys = batches.stream().map(k -> new Object[] {k.receivedAt(), k.device(), k.epoch(), k.seq()}).toList();
    tx.batch("DELETE FROM telemetry_models WHERE received_at = ? AND device_id = ? AND epoch = ? AND seq = ?", keys);
    tx.batch("DELETE FROM telemetry_batches WHERE received_at = ? AND device_id = ? AND epoch = ? AND seq = ?", keys);
    return batches.size();
  }

  /** Folds up to {@code limit} of the oldest minute buckets (models and resources each) before {@code before} into hours. */
  int foldMinutes(Instant before, int limit) {
    Map<ModelKey, ModelBucket> models = new LinkedHashMap<>();
    List<Object[]> modelKeys = tx.query("SELECT bucket_start, model, " + SqlTelemetryStore.BUCKET_COLUMNS
        + " FROM telemetry_model_rollups WHERE step_ms = ? AND bucket_start < ? ORDER BY bucket_start LIMIT ?"
        + tx.dialect().forUpdate(), rs -> {
          TelemetryStore.Row row = SqlTelemetryStore.bucketRow(rs, 3);
          models.computeIfAbsent(new ModelKey(HOUR_MS, floor(rs.getLong(1), HOUR_MS), row.deviceId(), rs.getString(2),
              row.version()), x -> new ModelBucket()).add(row);
          return new Object[] {MINUTE_MS, rs.getLong(1), rs.getString(2), row.version(), row.deviceId()};
        }, MINUTE_MS, before.toEpochMilli(), limit);
    writeModels(models);
    tx.batch("DELETE FROM telemetry_model_rollups WHERE step_ms = ? AND bucket_start = ? AND model = ? AND version = ? "
        + "AND device_id = ?", modelKeys);

    Map<DeviceKey, ResourceBucket> resources = new LinkedHashMap<>();
    List<Object[]> resourceKeys = tx.query("SELECT bucket_start, device_id, " + STAT_COLUMNS + " FROM telemetry_resource_rollups "
        + "WHERE step_ms = ? AND bucket_start < ? ORDER BY bucket_start LIMIT ?" + tx.dialect().forUpdate(), rs -> {
          ResourceBucket b = resources.computeIfAbsent(new DeviceKey(HOUR_MS, floor(rs.getLong(1), HOUR_MS), rs.getString(2)),
              x -> new ResourceBucket());
          addStats(b, rs, 3);
          return new Object[] {MINUTE_MS, rs.getLong(1), rs.getString(2)};
        }, MINUTE_MS, before.toEpochMilli(), limit);
    writeResources(resources);
    tx.batch("DELETE FROM telemetry_resource_rollups WHERE step_ms = ? AND bucket_start = ? AND device_id = ?", resourceKeys);
    return modelKeys.size() + resourceKeys.size();
  }

  /** Deletes up to about {@code limit} hour buckets that start before {@code before}; returns how many. */
  int expireHours(Instant before, int limit) {
    return deleteOldest("telemetry_model_rollups", "bucket_start", "step_ms = " + HOUR_MS, before, limit)
        + deleteOldest("telemetry_resource_rollups", "bucket_start", "step_ms = " + HOUR_MS, before, limit);
  }

  /** Deletes up to about {@code limit} drift histograms received before {@code before}; returns how many. */
  int expireDrift(Instant before, int limit) {
    return deleteOldest("telemetry_drift", "received_at", "1 = 1", before, limit);
  }

  /**
   * Deletes the oldest rows before a time, about {@code limit} of them: up to the time of the
   * limit-th oldest, so rows sharing that time go too (at most one bucket's worth more).
   */
  private int deleteOldest(String table, String time, String where, Instant before, int limit) {
    long cutoff = before.toEpochMilli();
    long bound = tx.first("SELECT " + time + " FROM " + table + " WHERE " + where + " AND " + time + " < ? ORDER BY " + time
        + " LIMIT 1 OFFSET ?", rs -> rs.getLong(1), cutoff, limit - 1).map(t -> t + 1).orElse(cutoff);
    return tx.update("DELETE FROM " + table + " WHERE " + where + " AND " + time + " < ?", Math.min(bound, cutoff));
  }

  private void writeModels(Map<ModelKey, ModelBucket> buckets) {
    List<Object[]> rows = new ArrayList<>(buckets.size());
    buckets.forEach((k, b) -> {
      tx.first("SELECT " + SqlTelemetryStore.BUCKET_COLUMNS + " FROM telemetry_model_rollups WHERE step_ms = ? "
          + "AND model = ? AND version = ? AND bucket_start = ? AND device_id = ?", rs -> {
            b.add(SqlTelemetryStore.bucketRow(rs, 1));
            return true;
          }, k.step(), k.model(), k.version(), k.bucket(), k.device());
      rows.add(new Object[] {k.step(), k.bucket(), k.device(), k.model(), k.version(), b.inferences, b.errors, b.latencyMicros(),
          b.shadowJson(), b.shadowWeight(), b.outcomesJson(), b.invalidChecked, b.invalidOutputs});
    });
    tx.batch("INSERT INTO telemetry_model_rollups (step_ms, bucket_start, device_id, model, version, inferences, errors, "
        + "latency_micros, shadow_json, shadow_weight, outcomes_json, invalid_checked, invalid_outputs) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (step_ms, model, version, bucket_start, device_id) "
        + "DO UPDATE SET inferences = excluded.inferences, errors = excluded.errors, latency_micros = excluded.latency_micros, "
        + "shadow_json = excluded.shadow_json, shadow_weight = excluded.shadow_weight, outcomes_json = excluded.outcomes_json, "
        + "invalid_checked = excluded.invalid_checked, invalid_outputs = excluded.invalid_outputs", rows);
  }

  static final String STAT_COLUMNS = "cpu_n, cpu_min, cpu_sum, cpu_max, rss_n, rss_min, rss_sum, rss_max, "
      + "temp_n, temp_min, temp_sum, temp_max";

  private void writeResources(Map<DeviceKey, ResourceBucket> buckets) {
    List<Object[]> rows = new ArrayList<>(buckets.size());
    buckets.forEach((k, b) -> {
      tx.first("SELECT " + STAT_COLUMNS + " FROM telemetry_resource_rollups WHERE step_ms = ? AND device_id = ? "
          + "AND bucket_start = ?", rs -> {
            addStats(b, rs, 1);
            return true;
          }, k.step(), k.device(), k.bucket());
      List<Object> row = new ArrayList<>(List.of(k.step(), k.bucket(), k.device()));
      for (ResourceBucket.Stat s : List.of(b.cpu, b.rss, b.temperature)) {
        row.add(s.n);
        row.add(s.minOrNull());
        row.add(s.sumOrNull());
        row.add(s.maxOrNull());
      }
      rows.add(row.toArray());
    });
    tx.batch("INSERT INTO telemetry_resource_rollups (step_ms, bucket_start, device_id, " + STAT_COLUMNS + ") VALUES "
        + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (step_ms, device_id, bucket_start) DO UPDATE SET "
        + "cpu_n = excluded.cpu_n, cpu_min = excluded.cpu_min, cpu_sum = excluded.cpu_sum, cpu_max = excluded.cpu_max, "
        + "rss_n = excluded.rss_n, rss_min = excluded.rss_min, rss_sum = excluded.rss_sum, rss_max = excluded.rss_max, "
        + "temp_n = excluded.temp_n, temp_min = excluded.temp_min, temp_sum = excluded.temp_sum, temp_max = excluded.temp_max", rows);
  }

  /** Adds the 12 stat columns starting at {@code first} to the bucket. */
  static void addStats(ResourceBucket b, java.sql.ResultSet rs, int first) throws java.sql.SQLException {
    int i = first;
    for (ResourceBucket.Stat s : List.of(b.cpu, b.rss, b.temperature)) {
      s.add(rs.getLong(i), rs.getDouble(i + 1), rs.getDouble(i + 2), rs.getDouble(i + 3));
      i += 4;
    }
  }

  private static Double nullable(double value, boolean wasNull) {
    return wasNull ? null : value;
  }

  static long floor(long millis, long step) {
    return Math.floorDiv(millis, step) * step;
  }
}
