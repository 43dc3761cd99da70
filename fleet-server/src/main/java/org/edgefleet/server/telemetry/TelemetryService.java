package org.edgefleet.server.telemetry;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import org.edgefleet.protocol.message.LatencyHistograms;
import org.edgefleet.protocol.message.MessageException;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.GroupCommit;
import org.edgefleet.server.store.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Telemetry ingest and model metrics. Ingest checks a batch on the caller's thread and stores
 * batches in shared transactions; a batch whose (device, seq) is already stored is a replay and is
 * stored once. Ingest checks only that histograms are base64: decoding an HdrHistogram costs more
 * than storing the whole batch, and metrics decode them anyway, skipping (and counting) any that
 * do not decode. Metrics merge the stored histograms exactly, off the database's threads.
 */
public final class TelemetryService {

  private static final Logger LOG = LoggerFactory.getLogger(TelemetryService.class);
  private static final int MAX_BATCH = 2000;

  private final Database db;
  private final Function<Transaction, TelemetryStore> stores;
  private final Clock clock;
  private final ExecutorService work;
  private final ServerMetrics metrics;
  private final GroupCommit<TelemetryStore.Received, Boolean> writer;

  public TelemetryService(Database db, Function<Transaction, TelemetryStore> stores, Clock clock, ExecutorService work, ServerMetrics metrics) {
    this.db = db;
    this.metrics = metrics;
    this.stores = stores;
    this.clock = clock;
    this.work = work;
    this.writer = new GroupCommit<>(db, MAX_BATCH, (tx, batches) -> stores.apply(tx).insert(batches));
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
    return db.read(tx -> {
      TelemetryStore store = stores.apply(tx);
      List<TelemetryStore.Row> rows = store.rows(model, from);
      if (rows.isEmpty() && !registered && !store.hasAny(model)) {
        throw FleetException.notFound("model_not_found", "no model " + model + " is registered or has reported telemetry");
      }
      return rows;
    }).thenApplyAsync(rows -> merge(model, rows, metrics), work);
  }

  /**
   * Resource use since the given time of the devices {@code devices} names in the read's transaction
   * (every device when it names null).
   */
  public CompletableFuture<ResourceSummary> resources(Function<Transaction, Collection<String>> devices, Instant since) {
    return db.read(tx -> stores.apply(tx).resources(devices.apply(tx), since == null ? Instant.EPOCH : since));
  }

  /**
   * Resource use since the given time of those of {@code devices} that reported the version since
   * then, read in the caller's transaction: what the resource alert rules read.
   */
  public ResourceSummary resourcesOfVersion(Transaction tx, String model, int version, Collection<String> devices, Instant since) {
    TelemetryStore store = stores.apply(tx);
    Set<String> reporting = new HashSet<>();
    for (TelemetryStore.Row r : store.rows(model, version, devices, since)) {
      reporting.add(r.deviceId());
    }
    return store.resources(reporting, since);
  }

  private static ModelMetrics merge(String model, List<TelemetryStore.Row> rows, ServerMetrics metrics) {
    Map<Integer, Acc> byVersion = new TreeMap<>();
    for (TelemetryStore.Row r : rows) {
      byVersion.computeIfAbsent(r.version(), v -> new Acc()).add(r, model, metrics);
    }
    List<ModelMetrics.Version> versions = new ArrayList<>();
    byVersion.forEach((version, acc) -> versions.add(acc.toVersion(version)));
    return new ModelMetrics(model, versions);
  }

  /**
   * The gate reading of one version on a set of devices since a time, read in the caller's
   * transaction: one query by (model, version, devices, since), the histograms merged exactly.
   */
  public VersionReading reading(Transaction tx, String model, int version, Collection<String> devices, Instant since) {
    Acc acc = accumulate(tx, model, version, devices, since);
    ModelMetrics.Version v = acc.toVersion(version);
    return new VersionReading(version, v.devicesReporting(), v.inferences(), v.errors(),
        v.latencyMs() == null ? null : v.latencyMs().p95(), acc.invalidChecked, acc.invalid);
  }

  /**
   * Every metric of one version on a set of devices since a time (shadow comparison and A/B
   * outcomes included), read in the caller's transaction by the same query as {@link #reading}.
   */
  public ModelMetrics.Version metrics(Transaction tx, String model, int version, Collection<String> devices, Instant since) {
    return accumulate(tx, model, version, devices, since).toVersion(version);
  }

  private Acc accumulate(Transaction tx, String model, int version, Collection<String> devices, Instant since) {
    Acc acc = new Acc();
    for (TelemetryStore.Row r : stores.apply(tx).rows(model, version, devices, since)) {
      acc.add(r, model, metrics);
    }
    return acc;
  }

  private static long saturatedAdd(long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE;
    }
  }

  private static final class Acc {
    long inferences;
    long errors;
    // Only the rows of agents that count invalid outputs: their inferences are what the count is out of.
    long invalidChecked;
    long invalid;
    final Set<String> devices = new HashSet<>();
    final RoleMetrics roles = new RoleMetrics();
    // Auto-resizing, so histograms recorded with any range merge without loss.
    final Histogram latency = new Histogram(LatencyHistograms.SIGNIFICANT_DIGITS);

    void add(TelemetryStore.Row r, String model, ServerMetrics metrics) {
      // Each row is bounded by validation; the sums saturate rather than wrap, so no metric turns negative.
      inferences = saturatedAdd(inferences, r.inferences());
      errors = saturatedAdd(errors, r.errors());
      invalidChecked = saturatedAdd(invalidChecked, r.invalidChecked());
      invalid = saturatedAdd(invalid, r.invalidOutputs());
      devices.add(r.deviceId());
      if (!roles.add(r)) {
        LOG.debug("event=role_metrics_skipped model={} version={}", model, r.version());
      }
      if (r.latencyMicros() != null) {
        try {
          Histogram h = LatencyHistograms.decode(r.latencyMicros());
          if (h.getTotalCount() > Long.MAX_VALUE - latency.getTotalCount()) {
            throw new MessageException(MessageException.Reason.INVALID, "merged latency samples would overflow");
          }
          latency.add(h);
        } catch (MessageException | RuntimeException e) {
          metrics.histogramSkipped();
          LOG.debug("event=histogram_skipped model={} version={} reason=\"{}\"", model, r.version(), e.getMessage());
        }
      }
    }

    ModelMetrics.Version toVersion(int version) {
      ModelMetrics.Latency l = latency.getTotalCount() == 0 ? null : new ModelMetrics.Latency(
          ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(95)), ms(latency.getValueAtPercentile(99)),
          ms(latency.getMaxValue()), latency.getTotalCount());
      double errorRate = inferences == 0 ? 0 : Math.min(1.0, (double) errors / inferences);
      return new ModelMetrics.Version(version, inferences, errors, errorRate, l, devices.size(), roles.shadow(), roles.outcomes(),
          invalidChecked == 0 ? null : invalid);
    }

    private static double ms(long micros) {
      return micros / 1000.0;
    }
  }
}
