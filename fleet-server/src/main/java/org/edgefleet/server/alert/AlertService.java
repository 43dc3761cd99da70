package org.edgefleet.server.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.device.DeviceRecord;
import org.edgefleet.server.device.DeviceService;
import org.edgefleet.server.drift.DriftReport;
import org.edgefleet.server.drift.DriftService;
import org.edgefleet.server.identity.CertificateWatch;
import org.edgefleet.server.registry.ModelVersion;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.Page;
import org.edgefleet.server.store.Transaction;
import org.edgefleet.server.telemetry.ModelMetrics;
import org.edgefleet.server.telemetry.ResourceSummary;
import org.edgefleet.server.telemetry.TelemetryService;
import org.edgefleet.server.telemetry.VersionReading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert rules and their alerts. {@link #evaluate} (leader work) reads each rule's metric per model
 * version through the same queries the rollout gates read (a certificate rule: per certificate of
 * this instance, from its {@link CertificateWatch}), and moves that alert: none to pending when
 * the metric goes past the threshold (above it; below it for days left), pending to firing once it
 * has stayed past for the rule's duration, firing to resolved when it no longer is (no data counts
 * as not past). Firing and resolving enqueue one delivery per webhook in the same transaction, so a
 * state change is delivered exactly when it is committed ({@link WebhookDelivery}).
 */
public final class AlertService {

  private static final Logger LOG = LoggerFactory.getLogger(AlertService.class);
  static final List<AlertState> SHOWN = List.of(AlertState.FIRING, AlertState.RESOLVED);

  /** The body a webhook receives. {@code deliveryId} is the same on every attempt of one delivery, for receivers that dedupe. */
  public record Notification(String deliveryId, AlertState event, Alert alert) {}

  private final Database db;
  private final Function<Transaction, AlertStore> stores;
  private final TelemetryService telemetry;
  private final DriftService drift;
  private final RegistryService registry;
  private final DeviceService devices;
  private final CertificateWatch certificates;
  private final List<String> webhooks;
  private final Clock clock;

  public AlertService(Database db, Function<Transaction, AlertStore> stores, TelemetryService telemetry, DriftService drift,
      RegistryService registry, DeviceService devices, CertificateWatch certificates, List<String> webhooks, Clock clock) {
    this.db = db;
    this.stores = stores;
    this.telemetry = telemetry;
    this.drift = drift;
    this.registry = registry;
    this.devices = devices;
    this.certificates = certificates;
    this.webhooks = List.copyOf(webhooks);
    this.clock = clock;
  }

  /** Saves a rule; completes with the rule and whether it is new. */
  public CompletableFuture<Map.Entry<AlertRule, Boolean>> save(AlertRule rule) {
    return db.execute(tx -> {
      AlertStore store = stores.apply(tx);
      Instant now = clock.instant();
      Instant created = store.rule(rule.name()).map(AlertRule::createdAt).orElse(now);
      AlertRule stamped = new AlertRule(rule.name(), rule.metric(), rule.model(), rule.version(), rule.cohort(), rule.threshold(),
          rule.forDuration(), rule.window(), created, now);
      return Map.entry(stamped, store.save(stamped));
    });
  }

  public CompletableFuture<AlertRule> rule(String name) {
    return db.read(tx -> stores.apply(tx).rule(name).orElseThrow(() -> ruleNotFound(name)));
  }

  public CompletableFuture<Page<AlertRule>> rules(String afterName, int limit) {
    return db.read(tx -> Page.of(stores.apply(tx).rules(afterName, limit + 1), limit, AlertRule::name));
  }

  /** Deletes a rule; its firing alerts resolve at the next evaluation. */
  public CompletableFuture<Void> deleteRule(String name) {
    return db.execute(tx -> {
      if (!stores.apply(tx).deleteRule(name)) {
        throw ruleNotFound(name);
      }
      return null;
    });
  }

  /** Alerts in the given states, newest first, below the given id. */
  public CompletableFuture<Page<Alert>> alerts(List<AlertState> states, Long beforeId, int limit) {
    return db.read(tx -> Page.of(stores.apply(tx).alerts(states, beforeId == null ? Long.MAX_VALUE : beforeId, limit + 1), limit,
        a -> Long.toString(a.id())));
  }

  /** Evaluates every rule, one after the other; the fence guards each write. Completes when all are done. */
  public CompletableFuture<Void> evaluate(Consumer<Transaction> fence, Duration keepResolved) {
    // At the database's precision, so what a webhook receives is what the API lists.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    return db.read(tx -> {
      List<AlertRule> rules = new ArrayList<>();
      String after = null;
      List<AlertRule> page;
      do {
        page = stores.apply(tx).rules(after, 500);
        rules.addAll(page);
        after = page.isEmpty() ? null : page.get(page.size() - 1).name();
      } while (page.size() == 500);
      return rules;
    }).thenCompose(rules -> {
      CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
      Set<String> watched = new HashSet<>();
      for (AlertRule rule : rules) {
        for (Watched w : watched(rule)) {
          watched.add(rule.name() + "\u0000" + w.model() + "\u0000" + w.version());
          chain = chain.thenCompose(v -> value(rule, w, now).thenCompose(value -> apply(rule, w, value, now, fence))
              .handle((x, e) -> {
                if (e != null) {
                  LOG.warn("event=alert_rule_failed rule={} model={} version={} reason=\"{}\"", rule.name(), w.model(), w.version(),
                      cause(e));
                }
                return null;
              }));
        }
      }
      return chain.thenCompose(v -> db.execute(tx -> {
        fence.accept(tx);
        AlertStore store = stores.apply(tx);
        // Alerts whose rule was deleted, or whose version is no longer watched, stop.
        for (Alert open : store.open()) {
          if (!watched.contains(open.rule() + "\u0000" + open.model() + "\u0000" + open.version())) {
            stop(store, open, now);
          }
        }
        store.expireResolved(now.minus(keepResolved));
        return null;
      }));
    });
  }

  /** What one alert of a rule watches: a model version, or a certificate (its name as the model, version 0). */
  private record Watched(String model, int version) {}

  private List<Watched> watched(AlertRule rule) {
    if (rule.metric().ofCertificates()) {
      return certificates.statuses().keySet().stream().map(name -> new Watched(name, 0)).toList();
    }
    if (rule.version() != null) {
      return List.of(new Watched(rule.model(), rule.version()));
    }
    return registry.versions().stream().filter(v -> v.name().equals(rule.model())).map(ModelVersion::version).sorted()
        .map(v -> new Watched(rule.model(), v)).toList();
  }

  /** The metric over the rule's window, or null when there is no data. */
  private CompletableFuture<Double> value(AlertRule rule, Watched w, Instant now) {
    Instant since = now.minus(rule.window());
    int version = w.version();
    return switch (rule.metric()) {
      case CERTIFICATE_DAYS_LEFT -> {
        CertificateWatch.Status s = certificates.statuses().get(w.model());
        yield CompletableFuture.completedFuture(s == null ? null : s.secondsLeft() / 86_400.0);
      }
      case DRIFT_PSI -> registry.find(rule.model(), version).isEmpty() ? CompletableFuture.completedFuture(null)
          : drift.report(rule.model(), version, rule.cohort(), rule.window()).thenApply(AlertService::maxPsi);
      case LATENCY_P95_MS, ERROR_RATE, INVALID_OUTPUT_RATE -> db.read(tx -> {
        VersionReading r = telemetry.reading(tx, rule.model(), version, cohortIds(tx, rule), since);
        return switch (rule.metric()) {
          case LATENCY_P95_MS -> r.p95Ms();
          case INVALID_OUTPUT_RATE -> r.invalidOutputRate();
          default -> r.inferences() == 0 ? null : r.errorRate();
        };
      });
      case SHADOW_DISAGREEMENT -> db.read(tx -> {
        ModelMetrics.Shadow shadow = telemetry.metrics(tx, rule.model(), version, cohortIds(tx, rule), since).shadow();
        return shadow == null || shadow.top1Agreement() == null ? null : 1 - shadow.top1Agreement();
      });
      case CPU_LOAD, TEMPERATURE_C -> db.read(tx -> {
        ResourceSummary r = telemetry.resourcesOfVersion(tx, rule.model(), version, cohortIds(tx, rule), since);
        ResourceSummary.Range range = rule.metric() == AlertMetric.CPU_LOAD ? r.cpuLoad() : r.temperatureC();
        return range == null ? null : range.max();
      });
    };
  }

  private List<String> cohortIds(Transaction tx, AlertRule rule) {
    return devices.all(tx).stream().filter(d -> rule.cohort().matches(d.labels())).map(DeviceRecord::id).toList();
  }

  private static Double maxPsi(DriftReport report) {
    return report.features().stream().map(DriftReport.Feature::psi).filter(Objects::nonNull).max(Double::compare).orElse(null);
  }

  private CompletableFuture<Void> apply(AlertRule rule, Watched w, Double value, Instant now, Consumer<Transaction> fence) {
    boolean breached = rule.metric().breaches(value, rule.threshold());
    return db.execute(tx -> {
      fence.accept(tx);
      AlertStore store = stores.apply(tx);
      Alert open = store.open(rule.name(), w.model(), w.version()).orElse(null);
      if (open == null && breached) {
        Alert pending = store.insert(new Alert(0, rule.name(), rule.metric(), w.model(), w.version(), rule.cohort().toString(),
            rule.threshold(), AlertState.PENDING, value, now, null, null, now));
        fireIfDue(store, rule, pending, value, now);
      } else if (open != null && breached) {
        fireIfDue(store, rule, open, value, now);
      } else if (open != null) {
        stop(store, open, now);
      }
      return null;
    });
  }

  private void fireIfDue(AlertStore store, AlertRule rule, Alert a, Double value, Instant now) {
    boolean due = a.state() == AlertState.PENDING && !now.isBefore(a.pendingSince().plus(rule.forDuration()));
    Alert next = new Alert(a.id(), a.rule(), a.metric(), a.model(), a.version(), a.cohort(), a.threshold(),
        due ? AlertState.FIRING : a.state(), value, a.pendingSince(), due ? now : a.firingSince(), null, now);
    store.update(next);
    if (due) {
      LOG.info("event=alert_firing id={} rule={} model={} version={} value={}", a.id(), a.rule(), a.model(), a.version(), value);
      notify(store, next);
    }
  }

  private void stop(AlertStore store, Alert a, Instant now) {
    if (a.state() == AlertState.PENDING) {
      store.deletePending(a.id());
      return;
    }
    Alert resolved = new Alert(a.id(), a.rule(), a.metric(), a.model(), a.version(), a.cohort(), a.threshold(),
        AlertState.RESOLVED, a.value(), a.pendingSince(), a.firingSince(), now, now);
    store.update(resolved);
    LOG.info("event=alert_resolved id={} rule={} model={} version={}", a.id(), a.rule(), a.model(), a.version());
    notify(store, resolved);
  }

  private void notify(AlertStore store, Alert a) {
    String payload = Json.writeString(new Notification(a.id() + "-" + a.state().name().toLowerCase(java.util.Locale.ROOT),
        a.state(), a));
    for (String url : webhooks) {
      store.enqueue(new AlertStore.Delivery(a.id(), a.state(), url, payload, 0));
    }
  }

  private static String cause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException)) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  private static FleetException ruleNotFound(String name) {
    return FleetException.notFound("alert_rule_not_found", "no alert rule '" + AlertMetric.abbreviate(name)
        + "': see GET /api/v1/alert-rules");
  }
}
