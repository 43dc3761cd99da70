package org.edgefleet.server.telemetry;

import java.time.Duration;
import org.edgefleet.protocol.config.DurationText;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;

/**
 * How long each resolution of telemetry is kept: raw rows, then per-minute buckets, then per-hour
 * buckets; and how long drift histograms are kept. Each resolution must outlive the one before it
 * by at least one of its own buckets, so every row is folded before it could expire.
 *
 * @param batchRows most rows one downsampling transaction reads, so ingest never waits long behind it
 */
public record Retention(Duration raw, Duration minutes, Duration hours, Duration drift, int batchRows) {

  public static final Duration MINUTE = Duration.ofMinutes(1);
  public static final Duration HOUR = Duration.ofHours(1);

  public Retention {
    require(raw != null && raw.compareTo(MINUTE) >= 0, Settings.TELEMETRY_RAW_RETENTION.name(), "at least 1m", raw);
    require(minutes != null && minutes.compareTo(raw.plus(HOUR)) >= 0, Settings.TELEMETRY_MINUTE_RETENTION.name(),
        "at least telemetry-raw-retention + 1h", minutes);
    require(hours != null && hours.compareTo(minutes.plus(HOUR)) >= 0, Settings.TELEMETRY_HOUR_RETENTION.name(),
        "at least telemetry-minute-retention + 1h", hours);
    require(drift != null && drift.compareTo(MINUTE) >= 0, Settings.DRIFT_RETENTION.name(), "at least 1m", drift);
    if (batchRows < 10 || batchRows > 100_000) {
      throw new IllegalArgumentException(Settings.DOWNSAMPLE_BATCH_ROWS.name() + " must be from 10 to 100000, was " + batchRows);
    }
  }

  public static Retention of(ServerConfig config) {
    return new Retention(config.get(Settings.TELEMETRY_RAW_RETENTION), config.get(Settings.TELEMETRY_MINUTE_RETENTION),
        config.get(Settings.TELEMETRY_HOUR_RETENTION), config.get(Settings.DRIFT_RETENTION),
        config.get(Settings.DOWNSAMPLE_BATCH_ROWS));
  }

  private static void require(boolean ok, String setting, String rule, Duration was) {
    if (!ok) {
      throw new IllegalArgumentException(setting + " must be " + rule + ", was " + (was == null ? "unset" : DurationText.format(was)));
    }
  }
}
