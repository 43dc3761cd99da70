package org.edgefleet.server.drift;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.edgefleet.protocol.bundle.FeatureStats;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.cohort.Selector;
import org.edgefleet.server.device.DeviceRecord;
import org.edgefleet.server.device.DeviceService;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.registry.ModelVersion;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.registry.RetrainingFlag;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drift per feature of a model version, from the live histograms devices send with telemetry,
 * against its manifest's reference statistics (formula in {@link Psi}). The canary's drift gate
 * reads {@link #features} on the rollout's devices; a report over every device also sets the Prometheus gauges, and flags the
 * version as needing retraining when both halves of the window are in alert (drift that persisted,
 * not one burst).
 */
public final class DriftService {

  private static final Logger LOG = LoggerFactory.getLogger(DriftService.class);

  private final Database db;
  private final Function<Transaction, DriftStore> stores;
  private final RegistryService registry;
  private final DeviceService devices;
  private final Clock clock;
  private final ExecutorService work;
  private final ServerMetrics metrics;

  public DriftService(Database db, Function<Transaction, DriftStore> stores, RegistryService registry, DeviceService devices,
      Clock clock, ExecutorService work, ServerMetrics metrics) {
    this.db = db;
    this.stores = stores;
    this.registry = registry;
    this.devices = devices;
    this.clock = clock;
    this.work = work;
    this.metrics = metrics;
  }

  /** The worst drift level of the version's features on the selected devices since the given time: what a gate reads. */
  public CompletableFuture<DriftLevel> status(String model, int version, Selector selector, Instant since) {
    Instant now = clock.instant();
    return compute(model, version, selector, since, now).thenApply(Computed::level);
  }

  /** Drift over the window ending now; over every device it also updates the gauges and the retraining flag. */
  public CompletableFuture<DriftReport> report(String model, int version, Selector selector, Duration window) {
    Instant to = clock.instant();
    Instant from = to.minus(window);
    Instant middle = from.plus(window.dividedBy(2));
    CompletableFuture<Computed> whole = compute(model, version, selector, from, to);
    if (!selector.isAll()) {
      return whole.thenCompose(c -> flag(model, version).thenApply(f -> c.report(selector, f)));
    }
    return whole.thenCompose(c -> {
      c.features().forEach(f -> metrics.driftPsi(model, version, f.input() + "/" + f.feature(), f.psi()));
      if (c.level() != DriftLevel.ALERT) {
        return flag(model, version).thenApply(f -> c.report(selector, f));
      }
      return compute(model, version, selector, from, middle).thenCombine(compute(model, version, selector, middle, to),
          (first, second) -> first.level() == DriftLevel.ALERT && second.level() == DriftLevel.ALERT)
          .thenCompose(persisted -> persisted ? markRetraining(c) : flag(model, version))
          .thenApply(f -> c.report(selector, f));
    });
  }

  /**
   * PSI per feature in each of {@code points} equal steps of the window ending now, on the selected
   * devices: one read of the window's histograms, each step computed from its own rows.
   */
  public CompletableFuture<DriftSeries> series(String model, int version, Selector selector, Duration window, int points,
      int maxFeatures) {
    Instant to = clock.instant();
    Instant from = to.minus(window);
    return load(model, version, selector, from, to).thenApplyAsync(l -> {
      Computed whole = l.compute(from, to);
      List<List<DriftStore.Row>> steps = new ArrayList<>();
      for (int i = 0; i < points; i++) {
        steps.add(new ArrayList<>());
      }
      long span = window.toMillis();
      for (DriftStore.Row r : l.rows()) {
        long offset = Math.max(0, r.receivedAt().toEpochMilli() - from.toEpochMilli());
        steps.get((int) Math.min(points - 1, offset * points / span)).add(r);
      }
      List<Instant> times = new ArrayList<>();
      List<List<DriftReport.Feature>> perStep = new ArrayList<>();
      for (int i = 0; i < points; i++) {
        Instant start = from.plusMillis(span * i / points);
        Instant end = from.plusMillis(span * (i + 1) / points);
        times.add(end);
        perStep.add(new Loaded(l.manifest(), steps.get(i), l.picked()).compute(start, end).features());
      }
      List<DriftSeries.Line> lines = new ArrayList<>();
      for (int f = 0; f < whole.features().size(); f++) {
        DriftReport.Feature w = whole.features().get(f);
        List<Double> values = new ArrayList<>();
        for (List<DriftReport.Feature> step : perStep) {
          values.add(step.get(f).psi());
        }
        lines.add(new DriftSeries.Line(w.input(), w.feature(), w.psi(), w.level(), values));
      }
      // Worst first; features without a PSI over the window last, in manifest order.
      lines.sort(Comparator.comparing(DriftSeries.Line::psi, Comparator.nullsLast(Comparator.reverseOrder())));
      return new DriftSeries(model, version, selector.toString(), from, to, Math.max(1, span / points / 1000), times,
          DriftLevel.WARN_PSI, DriftLevel.ALERT_PSI, lines.size(), List.copyOf(lines.subList(0, Math.min(maxFeatures, lines.size()))));
    }, work);
  }

  /**
   * Reports every registered version over the window on every device, one after the other: the
   * gauges and retraining flags stay current without anyone asking. Completes when all are done.
   */
  public CompletableFuture<Void> checkAll(Duration window) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (ModelVersion v : registry.versions()) {
      chain = chain.thenCompose(x -> report(v.name(), v.version(), Selector.ALL, window).handle((r, e) -> {
        if (e != null) {
          LOG.warn("event=drift_check_failed model={} version={} reason=\"{}\"", v.name(), v.version(), e.getMessage());
        }
        return null;
      }));
    }
    return chain;
  }

  /**
   * Each feature's drift of the version on the given devices from {@code from} to {@code to}, read
   * in the caller's transaction: what the canary's drift gate reads (on the rollout's touched devices).
   */
  public List<DriftReport.Feature> features(Transaction tx, String model, int version, Collection<String> deviceIds,
      Instant from, Instant to) {
    ModelVersion v = registry.find(model, version).orElse(null);
    if (v == null) {
      return List.of();
    }
    List<DriftStore.Row> rows = stores.apply(tx).rows(model, version, from, to);
    return new Loaded(registry.manifest(tx, v), rows, Set.copyOf(deviceIds)).compute(from, to).features();
  }

  private CompletableFuture<RetrainingFlag> markRetraining(Computed c) {
    String reason = "PSI at or above " + DriftLevel.ALERT_PSI + " through the window from " + c.from() + " to " + c.to()
        + " on " + c.features().stream().filter(f -> f.level() == DriftLevel.ALERT)
            .map(f -> f.input() + "/" + f.feature() + String.format(" (%.3f)", f.psi())).collect(Collectors.joining(", "));
    return db.execute(tx -> {
      registry.markNeedsRetraining(tx, c.model(), c.version(), c.to(), reason);
      return registry.needsRetraining(tx, c.model(), c.version()).orElse(null);
    });
  }

  private CompletableFuture<RetrainingFlag> flag(String model, int version) {
    return db.read(tx -> registry.needsRetraining(tx, model, version).orElse(null));
  }

  private CompletableFuture<Computed> compute(String model, int version, Selector selector, Instant from, Instant to) {
    return load(model, version, selector, from, to).thenApplyAsync(l -> l.compute(from, to), work);
  }

  private CompletableFuture<Loaded> load(String model, int version, Selector selector, Instant from, Instant to) {
    ModelVersion v = registry.find(model, version).orElse(null);
    if (v == null) {
      return CompletableFuture.failedFuture(FleetException.notFound("version_not_found",
          "no version " + version + " of model " + model + " is registered"));
    }
    return db.read(tx -> {
      Manifest manifest = registry.manifest(tx, v);
      List<DriftStore.Row> rows = stores.apply(tx).rows(model, version, from, to);
      Set<String> picked = null;
      if (!selector.isAll()) {
        picked = devices.all(tx).stream().filter(d -> selector.matches(d.labels())).map(DeviceRecord::id)
            .collect(Collectors.toSet());
      }
      return new Loaded(manifest, rows, picked);
    });
  }

  private record Loaded(Manifest manifest, List<DriftStore.Row> rows, Set<String> picked) {

    Computed compute(Instant from, Instant to) {
      Map<String, long[]> live = new HashMap<>();
      Set<String> reporting = new HashSet<>();
      Map<String, FeatureStats> reference = new HashMap<>();
      for (FeatureStats s : manifest.referenceStats()) {
        reference.putIfAbsent(key(s.input(), s.feature()), s);
      }
      for (DriftStore.Row r : rows) {
        FeatureStats ref = reference.get(key(r.input(), r.feature()));
        // Histograms of a feature the manifest does not bin, or on other bins, cannot be compared: left out.
        if ((picked != null && !picked.contains(r.deviceId())) || ref == null || ref.counts().size() != r.counts().length) {
          continue;
        }
        reporting.add(r.deviceId());
        long[] sum = live.computeIfAbsent(key(r.input(), r.feature()), k -> new long[r.counts().length]);
        for (int i = 0; i < sum.length; i++) {
          sum[i] = r.counts()[i] > Long.MAX_VALUE - sum[i] ? Long.MAX_VALUE : sum[i] + r.counts()[i];
        }
      }
      List<DriftReport.Feature> features = new ArrayList<>();
      DriftLevel level = DriftLevel.NO_DATA;
      for (FeatureStats s : manifest.referenceStats()) {
        long[] ref = s.counts().stream().mapToLong(Long::longValue).toArray();
        long[] now = live.getOrDefault(key(s.input(), s.feature()), new long[ref.length]);
        long samples = Psi.total(now);
        DriftReport.Feature f;
        if (samples < Psi.MIN_SAMPLES || Psi.total(ref) == 0) {
          f = new DriftReport.Feature(s.input(), s.feature(), s.summary(), null, null, DriftLevel.NO_DATA, samples, Psi.total(ref));
        } else {
          double psi = Psi.psi(ref, now);
          f = new DriftReport.Feature(s.input(), s.feature(), s.summary(), psi, Psi.binnedKs(ref, now), DriftLevel.of(psi),
              samples, Psi.total(ref));
        }
        level = level.worst(f.level());
        features.add(f);
      }
      return new Computed(manifest.name(), manifest.version(), from, to, level, reporting.size(), List.copyOf(features));
    }

    private static String key(String input, String feature) {
      return input + "\u0000" + feature;
    }
  }

  private record Computed(String model, int version, Instant from, Instant to, DriftLevel level, int devices,
      List<DriftReport.Feature> features) {

    DriftReport report(Selector selector, RetrainingFlag flag) {
      return new DriftReport(model, version, selector.toString(), from, to, level, devices, features, flag);
    }
  }
}
