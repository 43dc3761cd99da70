package org.edgefleet.server.telemetry;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.HdrHistogram.Histogram;
import org.edgefleet.protocol.message.LatencyHistograms;
import org.edgefleet.protocol.message.MessageException;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.GroupCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Telemetry ingest and model metrics. Ingest checks a batch on the caller's thread and stores
 * batches in shared transactions; a batch whose (device, seq) is already stored is a replay and is
 * stored once. Ingest checks only that histograms are base64: decoding an HdrHistogram costs more
 * than storing the whole batch, and metrics decode them anyway, skipping (and counting) any that
 * do not decode. Metrics merge the stored histograms exactly, off the database thread.
 */
public final class TelemetryService {

  private static final Logger LOG = LoggerFactory.getLogger(TelemetryService.class);
  private static final int MAX_BATCH = 2000;

  private final Database db;
  private final TelemetryStore store;
  private final Clock clock;
  private final ExecutorService work;
  private final ServerMetrics metrics;
  private final GroupCommit<TelemetryStore.Received, Boolean> writer;

  public TelemetryService(Database db, TelemetryStore store, Clock clock, ExecutorService work, ServerMetrics metrics) {
    this.db = db;
    this.metrics = metrics;
    this.store = store;
    this.clock = clock;
    this.work = work;
    this.writer = new GroupCommit<>(db, MAX_BATCH, store::insert);
  }

  /** Refuses a batch whose latency histograms are not base64. */
  public static void validate(TelemetryBatch batch) throws MessageException {
    for (TelemetryBatch.ModelMetrics m : batch.models()) {
      if (m.latencyMicros() != null) {
        try {
          Base64.getDecoder().decode(m.latencyMicros());
        } catch (IllegalArgumentException e) {
          throw new MessageException(MessageException.Reason.INVALID, "latency histogram of " + m.name() + " is not base64");
        }
      }
    }
  }

  /** Stores a checked batch; completes with false when it was a replay. */
  public CompletableFuture<Boolean> ingest(TelemetryBatch batch) {
    return writer.submit(new TelemetryStore.Received(batch, clock.instant()));
  }

  /** Metrics of every version of the model received since the given time (the epoch when null). */
  public CompletableFuture<ModelMetrics> metrics(String model, Instant since, boolean registered) {
    Instant from = since == null ? Instant.EPOCH : since;
    return db.execute(c -> {
      List<TelemetryStore.Row> rows = store.rows(model, from);
      if (rows.isEmpty() && !registered && !store.hasAny(model)) {
        throw FleetException.notFound("model_not_found", "no model " + model + " is registered or has reported telemetry");
      }
      return rows;
    }).thenApplyAsync(rows -> merge(model, rows, metrics), work);
  }

  private static ModelMetrics merge(String model, List<TelemetryStore.Row> rows, ServerMetrics metrics) {
    Map<Integer, Acc> byVersion = new TreeMap<>();
    for (TelemetryStore.Row r : rows) {
      Acc acc = byVersion.computeIfAbsent(r.version(), v -> new Acc());
      acc.inferences += r.inferences();
      acc.errors += r.errors();
      acc.devices.add(r.deviceId());
      if (r.latencyMicros() != null) {
        try {
          acc.latency.add(LatencyHistograms.decode(r.latencyMicros()));
        } catch (MessageException | RuntimeException e) {
          metrics.histogramSkipped();
          LOG.debug("event=histogram_skipped model={} version={} reason=\"{}\"", model, r.version(), e.getMessage());
        }
      }
    }
    List<ModelMetrics.Version> versions = new ArrayList<>();
    byVersion.forEach((version, acc) -> versions.add(acc.toVersion(version)));
    return new ModelMetrics(model, versions);
  }

  private static final class Acc {
    long inferences;
    long errors;
    final Set<String> devices = new HashSet<>();
    // Auto-resizing, so histograms recorded with any range merge without loss.
    final Histogram latency = new Histogram(LatencyHistograms.SIGNIFICANT_DIGITS);

    ModelMetrics.Version toVersion(int version) {
      ModelMetrics.Latency l = latency.getTotalCount() == 0 ? null : new ModelMetrics.Latency(
          ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(95)), ms(latency.getValueAtPercentile(99)),
          ms(latency.getMaxValue()), latency.getTotalCount());
      double errorRate = inferences == 0 ? 0 : (double) errors / inferences;
      return new ModelMetrics.Version(version, inferences, errors, errorRate, l, devices.size());
    }

    private static double ms(long micros) {
      return micros / 1000.0;
    }
  }
}
