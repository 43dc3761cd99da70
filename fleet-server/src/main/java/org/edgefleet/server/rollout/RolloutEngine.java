package org.edgefleet.server.rollout;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.server.cluster.Lease;
import org.edgefleet.server.drift.DriftService;
import org.edgefleet.server.experiment.AbComparison;
import org.edgefleet.server.registry.ModelVersion;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.Transaction;
import org.edgefleet.server.telemetry.ModelMetrics;
import org.edgefleet.server.telemetry.TelemetryService;
import org.edgefleet.server.telemetry.VersionReading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates running rollouts, off the event loop: periodic work of the lease holder, so one
 * instance of a group evaluates, and each write is fenced by its lease. Each evaluation reads the rollout and
 * its gate readings in a read transaction, lets the strategy decide, and applies what it decided
 * in a write transaction only if the rollout is still running at the same stage (another instance
 * or an operator may have moved it meanwhile). Everything decided from is stored, so after a
 * restart the next evaluation carries on where the last one stopped.
 */
public final class RolloutEngine {

  private static final Logger LOG = LoggerFactory.getLogger(RolloutEngine.class);

  private record Snapshot(Rollout rollout, RolloutStrategy strategy, StageState state) {}

  private final Database db;
  private final Function<Transaction, RolloutStore> stores;
  private final Stages stages;
  private final RegistryService registry;
  private final TelemetryService telemetry;
  private final DriftService drift;
  private final Clock clock;

  RolloutEngine(Database db, Function<Transaction, RolloutStore> stores, Stages stages, RegistryService registry,
      TelemetryService telemetry, DriftService drift, Clock clock) {
    this.db = db;
    this.stores = stores;
    this.stages = stages;
    this.registry = registry;
    this.telemetry = telemetry;
    this.drift = drift;
    this.clock = clock;
  }

  /** One evaluation of every running rollout, one after the other; a transition fails with LeaseLost once the lease is gone. */
  CompletableFuture<Void> evaluateAll(Lease lease) {
    return db.read(tx -> stores.apply(tx).withStatus(RolloutStatus.RUNNING)).thenCompose(ids -> {
      CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
      for (long id : ids) {
        chain = chain.thenCompose(v -> evaluate(id, lease));
      }
      return chain;
    });
  }

  private CompletableFuture<Void> evaluate(long id, Lease lease) {
    return db.read(tx -> snapshot(tx, id)).thenCompose(snap -> {
      if (snap == null) {
        return CompletableFuture.completedFuture(null);
      }
      Verdict verdict = snap.strategy().decide(snap.state());
      if (verdict.kind() == Verdict.Kind.WAIT) {
        LOG.debug("event=rollout_waiting id={} reason=\"{}\"", id, verdict.reason());
        return CompletableFuture.completedFuture(null);
      }
      return db.execute(tx -> {
        lease.checkHeld(tx);
        apply(tx, snap.rollout(), verdict);
        return null;
      });
    });
  }

  private Snapshot snapshot(Transaction tx, long id) {
    RolloutStore store = stores.apply(tx);
    Optional<Rollout> found = store.find(id, 0);
    if (found.isEmpty() || found.get().status() != RolloutStatus.RUNNING) {
      return null;
    }
    Rollout r = found.get();
    RolloutStrategy strategy = RolloutStrategy.of(r.strategy());
    Instant now = clock.instant();
    GateReadings readings = strategy.readsGates() ? readings(tx, r, now) : null;
    return new Snapshot(r, strategy, Stages.state(r, store.counts(id), now, readings, roleReadings(tx, r).orElse(null)));
  }

  /**
   * What the targets of a shadow or A/B rollout report since it began: the new version (shadow
   * comparison, outcomes as arm B) and the version they ran before (arm A); empty for other kinds.
   * Split by request both arms are read on every target; split by device, arm B on the targets
   * the stable hash put in it and arm A on the others.
   */
  Optional<RoleReadings> roleReadings(Transaction tx, Rollout r) {
    if (r.strategy().kind() != Strategy.SHADOW && r.strategy().kind() != Strategy.AB) {
      return Optional.empty();
    }
    List<TouchedTarget> touched = stores.apply(tx).touched(r.id());
    AbSpec spec = r.strategy().ab();
    boolean byDevice = spec != null && spec.split() == AbSplit.DEVICE;
    List<TouchedTarget> armA = byDevice ? touched.stream().filter(t -> !spec.inArmB(t.deviceId(), r.id())).toList() : touched;
    List<TouchedTarget> armB = byDevice ? touched.stream().filter(t -> spec.inArmB(t.deviceId(), r.id())).toList() : touched;
    ModelMetrics.Version candidate = telemetry.metrics(tx, r.model(), r.version(), ids(armB), r.createdAt());
    ModelMetrics.Version baseline = previousVersion(armA, r)
        .map(v -> telemetry.metrics(tx, r.model(), v, ids(armA), r.createdAt())).orElse(null);
    AbComparison ab = spec != null && baseline != null && baseline.outcomes() != null
        && candidate.outcomes() != null ? AbComparison.of(baseline.outcomes(), candidate.outcomes(), spec.plannedPerArm()) : null;
    RoleReadings.Arms arms = spec == null ? null : new RoleReadings.Arms(spec.split(), armA.size(), armB.size());
    return Optional.of(new RoleReadings(candidate, baseline, ab, arms));
  }

  private static List<String> ids(List<TouchedTarget> targets) {
    return targets.stream().map(TouchedTarget::deviceId).toList();
  }

  // The version most touched devices had before the rollout, other than the rollout's own.
  private static Optional<Integer> previousVersion(List<TouchedTarget> touched, Rollout r) {
    Map<Integer, Integer> previous = new HashMap<>();
    touched.forEach(t -> t.previous().filter(a -> a.version() != r.version())
        .ifPresent(a -> previous.merge(a.version(), 1, Integer::sum)));
    return previous.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
  }

  /**
   * The new version on every touched device since the rollout began, and the version most of them
   * ran before on the same devices since the baseline window before it; with a drift gate, the new
   * version's drift on those devices over the gate's window of the current stage.
   */
  private GateReadings readings(Transaction tx, Rollout r, Instant now) {
    List<TouchedTarget> touched = stores.apply(tx).touched(r.id());
    List<String> ids = touched.stream().map(TouchedTarget::deviceId).toList();
    // Once a candidate, shadow or arm serves, the gates judge it as it serves, not its runs in the earlier role.
    boolean switched = r.stage() > 0 && r.strategy().stages().get(0).role() != SlotRole.ACTIVE;
    VersionReading candidate = telemetry.reading(tx, r.model(), r.version(), ids, switched ? r.stageStartedAt() : r.createdAt());
    Optional<Integer> baselineVersion = previousVersion(touched, r);
    VersionReading baseline = baselineVersion.map(v -> telemetry.reading(tx, r.model(), v, ids,
        r.createdAt().minusSeconds(r.strategy().gates().baselineSeconds()))).orElse(null);
    DriftGate gate = r.strategy().gates().drift();
    return new GateReadings(candidate, baseline, gate == null ? null
        : drift.features(tx, r.model(), r.version(), ids, driftSince(r, gate, now), now));
  }

  // The current stage's inputs, from its start or the last resume (an operator who resumed has seen the drift so far).
  private static Instant driftSince(Rollout r, DriftGate gate, Instant now) {
    Instant since = r.stageStartedAt();
    for (HistoryEntry h : r.history() == null ? List.<HistoryEntry>of() : r.history()) {
      if (h.event() == RolloutEvent.RESUMED && h.at().isAfter(since)) {
        since = h.at();
      }
    }
    Instant window = now.minusSeconds(gate.windowSeconds());
    return since.isAfter(window) ? since : window;
  }

  // Applies a verdict reached on a snapshot, unless the rollout has moved since.
  private void apply(Transaction tx, Rollout seen, Verdict verdict) {
    RolloutStore store = stores.apply(tx);
    if (store.lock(seen.id()).filter(s -> s == RolloutStatus.RUNNING).isEmpty()) {
      return;
    }
    Rollout r = store.find(seen.id(), 0).orElseThrow();
    if (r.stage() != seen.stage()) {
      return;
    }
    Instant now = clock.instant();
    switch (verdict.kind()) {
      case PROMOTE -> promote(tx, r, verdict.reason(), now);
      case AWAIT_APPROVAL -> stages.transition(tx, r, RolloutStatus.AWAITING_APPROVAL, RolloutEvent.AWAITING_APPROVAL, r.stage(),
          verdict.reason() + "; waiting for POST /api/v1/rollouts/" + r.id() + "/promote", now);
      case FINISH -> stages.transition(tx, r, RolloutStatus.FINISHED, RolloutEvent.FINISHED, r.stage(), verdict.reason(), now);
      case ABORT -> abort(tx, r, RolloutStatus.ABORTED, RolloutEvent.ABORTED, verdict.reason(), now);
      case PAUSE -> stages.transition(tx, r, RolloutStatus.PAUSED, RolloutEvent.PAUSED, r.stage(), verdict.reason(), now);
      case WAIT -> { }
    }
  }

  /** Starts the next stage, taking in its devices; the last stage's promotion finishes the rollout. */
  void promote(Transaction tx, Rollout r, String reason, Instant now) {
    int next = r.stage() + 1;
    if (next >= r.strategy().stages().size()) {
      stages.transition(tx, r, RolloutStatus.FINISHED, RolloutEvent.FINISHED, r.stage(), reason, now);
      return;
    }
    Optional<ModelVersion> v = registry.find(r.model(), r.version());
    if (v.isEmpty()) {
      abort(tx, r, RolloutStatus.ABORTED, RolloutEvent.ABORTED, r.model() + " v" + r.version() + " was deleted", now);
      return;
    }
    stores.apply(tx).setStage(r.id(), next, now);
    Rollout moved = stores.apply(tx).find(r.id(), 0).orElseThrow();
    StageSpec stage = r.strategy().stages().get(next);
    boolean switching = stage.role() != r.strategy().stages().get(r.stage()).role();
    int switched = switching ? stages.switchRole(tx, moved, v.get(), now) : 0;
    int added = stages.enter(tx, moved, next, v.get(), now);
    stages.transition(tx, moved, RolloutStatus.RUNNING, RolloutEvent.PROMOTED, next, reason + "; stage " + (next + 1) + " ("
        + stage.percent() + " %" + (switching ? ", " + stage.role().wireName() + ": " + switched + " devices switched at once"
        : "") + ") started with " + added + " more devices", now);
  }

  /** Puts every touched device back and ends the rollout with the given status. */
  void abort(Transaction tx, Rollout r, RolloutStatus status, RolloutEvent event, String reason, Instant now) {
    int back = stages.rollBack(tx, r, reason, now);
    stages.transition(tx, r, status, event, r.stage(), reason + "; " + back + " devices put back on their previous version", now);
  }
}
