package org.edgefleet.server.rollout;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.edgefleet.protocol.runtime.Compatibility;
import org.edgefleet.protocol.runtime.Incompatibility;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.cluster.Lease;
import org.edgefleet.server.cohort.CohortService;
import org.edgefleet.server.cohort.Selector;
import org.edgefleet.server.desired.Assignment;
import org.edgefleet.server.desired.DesiredStateService;
import org.edgefleet.server.drift.DriftService;
import org.edgefleet.server.device.DeviceListener;
import org.edgefleet.server.device.DeviceRecord;
import org.edgefleet.server.device.DeviceService;
import org.edgefleet.server.device.ModelUpdate;
import org.edgefleet.server.registry.ModelVersion;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.Page;
import org.edgefleet.server.store.Transaction;
import org.edgefleet.server.telemetry.TelemetryService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rollouts, orchestrated: creation (cohort, plan, overlap and compatibility checks, the first
 * stage), the operator's actions, and device feedback. The strategy decides ({@link RolloutStrategy}),
 * the engine evaluates on the lease holder's timer ({@link RolloutEngine}), {@link Stages} changes targets and
 * desired states; every one of them works on stored state only, so a server restarted mid-rollout
 * carries on where it was.
 *
 * <p>Rollouts of one model start one at a time ({@link RegistryService#lockModel}), and a rollout
 * with its targets changes in one transaction at a time ({@link RolloutStore#lock}). One active
 * rollout per model and device: a rollout whose cohort overlaps an active one of the same model is
 * refused. Before anything is assigned every device of the cohort is checked against the bundle's
 * runtime requirements ({@link TargetCheck}); by default one incompatible device refuses the
 * rollout, with {@link IncompatiblePolicy#SKIP} it is recorded as skipped and checked again on each
 * of its reports.
 */
public final class RolloutService implements DeviceListener {

  private static final Logger LOG = LoggerFactory.getLogger(RolloutService.class);
  private static final int LISTED_IN_MESSAGE = 5;

  private final Database db;
  private final Function<Transaction, RolloutStore> stores;
  private final DeviceService devices;
  private final RegistryService registry;
  private final DesiredStateService desired;
  private final CohortService cohorts;
  private final Clock clock;
  private final Stages stages;
  private final RolloutEngine engine;

  public RolloutService(Database db, Function<Transaction, RolloutStore> stores, DeviceService devices,
      RegistryService registry, DesiredStateService desired, CohortService cohorts, TelemetryService telemetry, DriftService drift,
      Clock clock) {
    this.db = db;
    this.stores = stores;
    this.devices = devices;
    this.registry = registry;
    this.desired = desired;
    this.cohorts = cohorts;
    this.clock = clock;
    this.stages = new Stages(stores, devices, registry, desired);
    this.engine = new RolloutEngine(db, stores, stages, registry, telemetry, drift, clock);
  }

  /** Creates and starts a rollout; the answer shows the first {@code maxTargets} targets. */
  public CompletableFuture<Rollout> create(RolloutRequest req, int maxTargets) {
    if (req.model() == null || req.model().isBlank() || req.version() == null) {
      return CompletableFuture.failedFuture(FleetException.invalid("bad_request", "a rollout needs \"model\" and \"version\""));
    }
    if (req.selector() != null && req.cohort() != null) {
      return CompletableFuture.failedFuture(FleetException.invalid("bad_request",
          "give \"selector\" or \"cohort\", not both: a cohort is a saved selector"));
    }
    Selector selector;
    StrategySpec plan;
    IncompatiblePolicy policy;
    try {
      selector = Selector.parse(req.selector());
      plan = StrategySpec.parse(req.strategy());
      policy = IncompatiblePolicy.parse(req.incompatible());
    } catch (FleetException e) {
      return CompletableFuture.failedFuture(e);
    }
    Optional<ModelVersion> found = registry.find(req.model(), req.version());
    if (found.isEmpty()) {
      // Another instance may have registered it since this one last read the registry.
      return registry.refresh().thenCompose(v -> registry.find(req.model(), req.version())
          .map(version -> open(version, req, selector, plan, policy, maxTargets))
          .orElseGet(() -> CompletableFuture.failedFuture(FleetException.notFound("version_not_found",
              req.model() + " v" + req.version() + " is not registered: upload its bundle first (POST /api/v1/bundles)"))));
    }
    return open(found.get(), req, selector, plan, policy, maxTargets);
  }

  private CompletableFuture<Rollout> open(ModelVersion v, RolloutRequest req, Selector selector, StrategySpec plan,
      IncompatiblePolicy policy, int maxTargets) {
    return db.execute(tx -> {
      Selector chosen = req.cohort() == null ? selector : cohorts.get(tx, req.cohort()).selector();
      return start(tx, v, chosen, req.cohort(), plan, policy, clock.instant());
    }).thenCompose(created -> {
      LOG.info("event=rollout_created id={} model={} version={} strategy={} targets={} skipped={}", created.id(), v.name(),
          v.version(), plan.kind().wireName(), created.counts().get("total"), created.counts().get(TargetState.SKIPPED.wireName()));
      return get(created.id(), maxTargets);
    });
  }

  private Rollout start(Transaction tx, ModelVersion v, Selector selector, String cohort, StrategySpec plan,
      IncompatiblePolicy policy, Instant now) {
    // Signing a desired state of a large bundle takes a while: here, not on the caller's event loop.
    Optional<String> tooLarge = desired.whyTooLarge(v);
    if (tooLarge.isPresent()) {
      throw FleetException.unprocessable("desired_too_large", v.name() + " v" + v.version() + " cannot be rolled out: " + tooLarge.get());
    }
    registry.lockModel(tx, v.name());
    RolloutStore store = stores.apply(tx);
    List<DeviceRecord> members = devices.matching(tx, selector);
    if (members.isEmpty()) {
      throw FleetException.unprocessable("no_matching_devices", "no known device matches selector '" + selector + "' ("
          + devices.knownCount() + " devices known; a device is known after its first valid message)");
    }
    refuseOverlap(store, v, members);
    Compatibility.Requirements need = stages.requirements(tx, v);
    List<TargetCheck.Refused> refused = new ArrayList<>();
    for (DeviceRecord d : members) {
      List<Incompatibility> problems = Stages.runsAlready(d, v) ? List.of() : TargetCheck.problems(need, d);
      if (!problems.isEmpty()) {
        refused.add(TargetCheck.refused(d.id(), problems));
      }
    }
    if (!refused.isEmpty() && policy == IncompatiblePolicy.REFUSE) {
      throw TargetCheck.refusal(v, refused, members.size());
    }
    long id = store.create(v.name(), v.version(), v.digest(), selector.toString(), cohort, plan, RolloutStatus.RUNNING, now);
    Rollout r = store.find(id, 0).orElseThrow();
    int first = stages.enter(tx, r, 0, v, now);
    stages.transition(tx, r, RolloutStatus.RUNNING, RolloutEvent.CREATED, 0, members.size() + " devices in the cohort; stage 1 ("
        + plan.stages().get(0).percent() + " %) started with " + first + " devices", now);
    stages.finishIfDone(tx, id, now);
    return store.find(id, 0).orElseThrow();
  }

  // One active rollout per (model, device): an active rollout holds its whole cohort, not only the devices it reached.
  private static void refuseOverlap(RolloutStore store, ModelVersion v, List<DeviceRecord> members) {
    for (Rollout other : store.active()) {
      if (!other.model().equals(v.name())) {
        continue;
      }
      Selector theirs = Selector.parse(other.selector());
      Set<String> targets = store.targetDevices(other.id());
      List<String> clash = members.stream().filter(d -> targets.contains(d.id()) || theirs.matches(d.labels()))
          .map(DeviceRecord::id).toList();
      if (!clash.isEmpty()) {
        throw new FleetException(FleetException.Kind.CONFLICT, "rollout_overlaps", "rollout " + other.id() + " of " + v.name()
            + " (v" + other.version() + ", " + other.status() + ") already holds " + clash.size() + " of the " + members.size()
            + " devices this rollout would target (" + String.join(", ", clash.subList(0, Math.min(LISTED_IN_MESSAGE, clash.size())))
            + (clash.size() > LISTED_IN_MESSAGE ? ", ..." : "") + "): a device takes part in one active rollout per model. "
            + "Wait until it finishes, abort it (POST /api/v1/rollouts/" + other.id() + "/abort with a reason), or narrow "
            + "the selector", Map.of("rollout", other.id(), "overlapping", clash.size()));
      }
    }
  }

  /** Applies an operator's action with its reason, recorded in the rollout's history. */
  public CompletableFuture<Rollout> act(long id, RolloutAction action, String reason, int maxTargets) {
    String why;
    try {
      why = RolloutAction.checkReason(reason);
    } catch (FleetException e) {
      return CompletableFuture.failedFuture(e);
    }
    return db.execute(tx -> {
      RolloutStore store = stores.apply(tx);
      RolloutStatus status = store.lock(id).orElseThrow(() -> rolloutNotFound(id));
      action.checkFrom(id, status);
      Rollout r = store.find(id, 0).orElseThrow();
      Instant now = clock.instant();
      String byHand = action.wireName() + " by hand: " + why;
      switch (action) {
        case PAUSE -> stages.transition(tx, r, RolloutStatus.PAUSED, RolloutEvent.PAUSED, r.stage(), byHand, now);
        case RESUME -> stages.transition(tx, r, RolloutStatus.RUNNING, RolloutEvent.RESUMED, r.stage(), byHand, now);
        case PROMOTE -> engine.promote(tx, r, byHand, now);
        case ABORT -> engine.abort(tx, r, RolloutStatus.ABORTED, RolloutEvent.ABORTED, byHand, now);
        case ROLLBACK -> engine.abort(tx, r, RolloutStatus.ROLLED_BACK, RolloutEvent.ROLLED_BACK, byHand, now);
      }
      return null;
    }).thenCompose(done -> get(id, maxTargets));
  }

  /**
   * A device reported: it may have joined a running rollout's cohort (it is admitted at once), or
   * be a skipped target that can now run the bundle.
   */
  @Override
  public void onReported(Transaction tx, String deviceId, long appliedRevision) {
    Optional<DeviceRecord> device = devices.find(tx, deviceId);
    if (device.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    stages.join(tx, device.get(), now);
    if (stages.skippedDevices.contains(deviceId)) {
      recheckSkipped(tx, device.get(), now);
    }
    markStaged(tx, device.get(), appliedRevision, now);
  }

  /**
   * A target whose assignment puts the version beside the active one (candidate, shadow, arm) is
   * staged once the device reports it applied its desired state with the version in a slot: the
   * install, self-test and start of a shadow or arm all finish before a revision counts as applied.
   */
  private void markStaged(Transaction tx, DeviceRecord device, long appliedRevision, Instant now) {
    if (device.reported() == null || appliedRevision < desired.revision(tx, device.id())) {
      return;
    }
    for (ReportedState.ModelStatus m : device.reported().models()) {
      Optional<Assignment> a = desired.assignment(tx, device.id(), m.name());
      if (a.isEmpty() || a.get().role() == SlotRole.ACTIVE || m.slots().stream().noneMatch(s -> s.version() == a.get().version())) {
        continue;
      }
      RolloutStore store = stores.apply(tx);
      if (store.lock(a.get().rolloutId()).filter(RolloutStatus::isActive).isEmpty()) {
        continue;
      }
      Optional<TargetState> state = store.targetState(a.get().rolloutId(), device.id());
      if (state.isPresent() && state.get().movesTo(TargetState.STAGED)) {
        store.updateTarget(a.get().rolloutId(), device.id(), TargetState.STAGED, null, null, now);
        LOG.debug("event=rollout_target_staged id={} device={} role={}", a.get().rolloutId(), device.id(), a.get().role().wireName());
      }
    }
  }

  @Override
  public void onLabelsChanged(Transaction tx, String deviceId) {
    devices.find(tx, deviceId).ifPresent(d -> stages.join(tx, d, clock.instant()));
  }

  /**
   * Checks a skipped target again against each rollout that skipped it (the newest per model
   * counts; a later rollout that took the device over supersedes it), and assigns the bundle once
   * the device can run it, reopening a finished rollout.
   */
  private void recheckSkipped(Transaction tx, DeviceRecord device, Instant now) {
    String deviceId = device.id();
    Set<String> seenModels = new HashSet<>();
    boolean stillSkipped = false;
    RolloutStore store = stores.apply(tx);
    for (Rollout r : store.skipping(deviceId)) {
      Optional<RolloutStatus> status = store.lock(r.id());
      if (status.isEmpty() || !(status.get().isActive() || status.get() == RolloutStatus.FINISHED)) {
        continue; // an aborted or rolled back rollout assigns nothing any more
      }
      Optional<Assignment> current = desired.assignment(tx, deviceId, r.model());
      Optional<ModelVersion> v = registry.find(r.model(), r.version());
      if (v.isEmpty()) {
        continue; // the version was deleted: the target stays skipped, and nothing is left to check
      }
      if (!seenModels.add(r.model()) || current.map(a -> a.rolloutId() > r.id()).orElse(false)) {
        store.updateTarget(r.id(), deviceId, TargetState.SUPERSEDED, "superseded",
            "a later rollout of " + r.model() + " targets the device", now);
        continue;
      }
      List<Incompatibility> problems = TargetCheck.problems(stages.requirements(tx, v.get()), device);
      if (!problems.isEmpty()) {
        TargetCheck.Refused skip = TargetCheck.refused(deviceId, problems);
        store.updateTarget(r.id(), deviceId, TargetState.SKIPPED, skip.reason(), skip.details(), now);
        stillSkipped = true;
        continue;
      }
      Optional<Assignment> next = stages.assignment(device, v.get(), r, r.strategy().stages().get(r.stage()).role(), current);
      if (next.isEmpty()) {
        stillSkipped = true;
        continue; // a shadow or an arm, and still no active version to run beside
      }
      store.updateTarget(r.id(), deviceId, Stages.runsAlready(device, v.get()) ? TargetState.ACTIVE : TargetState.PENDING,
          null, null, now);
      stages.assign(tx, deviceId, next.get(), current, now);
      if (status.get() == RolloutStatus.FINISHED) {
        stages.transition(tx, r, RolloutStatus.RUNNING, RolloutEvent.REOPENED, r.stage(), "skipped device " + deviceId
            + " can run the bundle now", now);
      }
      stages.finishIfDone(tx, r.id(), now);
      LOG.info("event=rollout_target_unskipped id={} device={} model={} version={}", r.id(), deviceId, r.model(), r.version());
    }
    if (!stillSkipped) {
      stages.skippedDevices.remove(deviceId);
    }
  }

  /** Device feedback about the version its current rollout assigned moves that rollout's target. */
  @Override
  public void onModelUpdate(Transaction tx, ModelUpdate u) {
    Optional<Assignment> a = desired.assignment(tx, u.deviceId(), u.model());
    if (a.isEmpty() || a.get().version() != u.version()) {
      return;
    }
    long rolloutId = a.get().rolloutId();
    RolloutStore store = stores.apply(tx);
    if (store.lock(rolloutId).isEmpty()) {
      return;
    }
    // Arm A of an A/B test split by device keeps its version under the rollout: serving it is not taking the new one.
    if (a.get().recordOutcomes() && store.find(rolloutId, 0).filter(r -> r.version() == u.version()).isEmpty()) {
      return;
    }
    TargetState next = TargetState.of(u.state());
    Optional<TargetState> current = store.targetState(rolloutId, u.deviceId());
    if (current.isEmpty() || !current.get().movesTo(next)) {
      return;
    }
    Instant now = clock.instant();
    boolean failed = next == TargetState.FAILED;
    store.updateTarget(rolloutId, u.deviceId(), next, failed ? reasonOrDefault(u.reason()) : null, failed ? u.details() : null, now);
    stages.finishIfDone(tx, rolloutId, now);
  }

  private static String reasonOrDefault(String reason) {
    return reason == null || reason.isBlank() ? "unknown" : reason;
  }

  /** Reads which devices are skipped targets: at start, and again for what other instances skipped. */
  public CompletableFuture<Void> loadSkipped() {
    return db.read(tx -> stores.apply(tx).devicesIn(TargetState.SKIPPED)).thenAccept(stages.skippedDevices::addAll);
  }

  /**
   * One evaluation of every running rollout by the engine: periodic work of the lease holder, whose
   * first run after it takes the lease picks up every rollout where the last holder left it. Each
   * transition is fenced by the lease.
   */
  public CompletableFuture<Void> evaluateRunning(Lease lease) {
    return engine.evaluateAll(lease);
  }

  /** One page of the rollouts the filter matches, newest first, older than the rollout {@code beforeId} (null: from the newest). */
  public CompletableFuture<Page<Rollout>> list(RolloutFilter filter, Long beforeId, int limit) {
    return db.read(tx -> Page.of(stores.apply(tx).list(filter, beforeId, limit + 1), limit, r -> Long.toString(r.id())));
  }

  /** The rollout with its counts, history and the first {@code maxTargets} of its targets in device id order. */
  public CompletableFuture<Rollout> get(long id, int maxTargets) {
    return db.read(tx -> {
      Rollout r = stores.apply(tx).find(id, maxTargets).orElseThrow(() -> rolloutNotFound(id));
      return engine.roleReadings(tx, r).map(r::withReadings).orElse(r);
    });
  }

  /** One page of the rollout's targets in device id order, after the device {@code afterDevice} (null: from the start). */
  public CompletableFuture<Page<RolloutTarget>> targets(long id, String afterDevice, int limit) {
    return db.read(tx -> {
      RolloutStore store = stores.apply(tx);
      store.find(id, 0).orElseThrow(() -> rolloutNotFound(id));
      return Page.of(store.targets(id, afterDevice, limit + 1), limit, RolloutTarget::deviceId);
    });
  }

  private static FleetException rolloutNotFound(long id) {
    return FleetException.notFound("rollout_not_found", "no rollout " + id + ": see GET /api/v1/rollouts");
  }

  /** Why a version must not be deleted: an active rollout uses it, or devices are still assigned it. */
  public Optional<String> whyInUse(Transaction tx, ModelVersion v) {
    List<String> reasons = new ArrayList<>();
    List<Long> running = stores.apply(tx).running(v.name(), v.version());
    if (!running.isEmpty()) {
      reasons.add("rollout " + running + " is active with it (wait until it is FINISHED, or abort it)");
    }
    int assigned = desired.devicesAssigned(tx, v.digest());
    if (assigned > 0) {
      reasons.add("it is the desired version of " + assigned + " device(s) (roll out another version to them first)");
    }
    return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
  }
}
