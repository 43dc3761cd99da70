package org.edgefleet.server.rollout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.protocol.runtime.Compatibility;
import org.edgefleet.protocol.runtime.Incompatibility;
import org.edgefleet.server.cohort.Selector;
import org.edgefleet.server.cohort.StableHash;
import org.edgefleet.server.desired.Assignment;
import org.edgefleet.server.desired.DesiredStateService;
import org.edgefleet.server.device.DeviceRecord;
import org.edgefleet.server.device.DeviceService;
import org.edgefleet.server.registry.ModelVersion;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.store.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine and the operator's actions do to a rollout inside a transaction that has locked
 * it: take a stage's devices in (by stable hash, a stage's share holding the earlier stages'), admit
 * a device that joined the cohort, record a transition, and put every touched device back.
 */
final class Stages {

  private static final Logger LOG = LoggerFactory.getLogger(Stages.class);

  private final Function<Transaction, RolloutStore> stores;
  private final DeviceService devices;
  private final RegistryService registry;
  private final DesiredStateService desired;
  // Devices that are a skipped target somewhere, so a report from any other device costs no query.
  final Set<String> skippedDevices = ConcurrentHashMap.newKeySet();

  Stages(Function<Transaction, RolloutStore> stores, DeviceService devices, RegistryService registry,
      DesiredStateService desired) {
    this.stores = stores;
    this.devices = devices;
    this.registry = registry;
    this.desired = desired;
  }

  /**
   * Takes in the devices of the cohort that the stage's share holds and are not targets yet (a
   * stage of a non-empty cohort holds at least one device); returns how many came in.
   */
  int enter(Transaction tx, Rollout r, int stage, ModelVersion v, Instant now) {
    RolloutStore store = stores.apply(tx);
    List<DeviceRecord> cohort = devices.matching(tx, Selector.parse(r.selector()));
    Set<String> already = store.targetDevices(r.id());
    int share = r.strategy().stages().get(stage).basisPoints();
    List<DeviceRecord> chosen = new ArrayList<>(cohort.stream()
        .filter(d -> !already.contains(d.id()) && StableHash.inShare(d.id(), r.id(), share)).toList());
    if (chosen.isEmpty() && already.isEmpty() && !cohort.isEmpty()) {
      chosen.add(cohort.stream().min(Comparator.comparingInt(d -> StableHash.bucket(d.id(), r.id()))).orElseThrow());
    }
    Compatibility.Requirements need = requirements(tx, v);
    for (DeviceRecord d : chosen) {
      admit(tx, r, stage, d, v, need, now);
    }
    return chosen.size();
  }

  /**
   * A device whose labels or report changed: admitted at once, at the current stage, into each
   * active rollout whose cohort it now belongs to and whose stage's share holds it, unless another
   * active rollout of the model has it already.
   */
  void join(Transaction tx, DeviceRecord d, Instant now) {
    RolloutStore store = stores.apply(tx);
    for (Rollout r : store.active()) {
      if (!Selector.parse(r.selector()).matches(d.labels())
          || !StableHash.inShare(d.id(), r.id(), r.strategy().stages().get(r.stage()).basisPoints())
          || store.targetState(r.id(), d.id()).isPresent() || heldByAnother(tx, d.id(), r)) {
        continue;
      }
      Optional<ModelVersion> v = registry.find(r.model(), r.version());
      if (v.isEmpty() || store.lock(r.id()).filter(RolloutStatus::isActive).isEmpty()) {
        continue;
      }
      admit(tx, r, r.stage(), d, v.get(), requirements(tx, v.get()), now);
      LOG.info("event=rollout_device_joined id={} device={} stage={}", r.id(), d.id(), r.stage() + 1);
    }
  }

  // Read without a lock: locking another rollout before this one could deadlock against the engine.
  private boolean heldByAnother(Transaction tx, String deviceId, Rollout r) {
    Optional<Assignment> current = desired.assignment(tx, deviceId, r.model());
    return current.isPresent() && current.get().rolloutId() != r.id()
        && stores.apply(tx).status(current.get().rolloutId()).filter(RolloutStatus::isActive).isPresent();
  }

  private void admit(Transaction tx, Rollout r, int stage, DeviceRecord d, ModelVersion v, Compatibility.Requirements need,
      Instant now) {
    RolloutStore store = stores.apply(tx);
    boolean runs = runsAlready(d, v);
    List<Incompatibility> problems = runs ? List.of() : TargetCheck.problems(need, d);
    Optional<Assignment> previous = desired.assignment(tx, d.id(), v.name());
    Optional<Assignment> next = problems.isEmpty() ? assignment(d, v, r, r.strategy().stages().get(stage).role(), previous)
        : Optional.empty();
    if (next.isEmpty()) {
      TargetCheck.Refused skip = !problems.isEmpty() ? TargetCheck.refused(d.id(), problems)
          : splitsByDevice(r, r.strategy().stages().get(stage).role()) ? new TargetCheck.Refused(d.id(), "no_active_version",
          "the device falls in arm A of an A/B test split by device, which keeps the version it serves, and it serves no "
          + "version of " + v.name() + " other than the new v" + v.version())
          : new TargetCheck.Refused(d.id(), "no_active_version", "a " + r.strategy().stages().get(stage).role().wireName()
          + " runs beside an active version of " + v.name() + " and the device runs none");
      store.addTarget(r.id(), d.id(), stage, TargetState.SKIPPED, previous, now);
      store.updateTarget(r.id(), d.id(), TargetState.SKIPPED, skip.reason(), skip.details(), now);
      skippedDevices.add(d.id());
      return;
    }
    store.addTarget(r.id(), d.id(), stage, runs ? TargetState.ACTIVE : TargetState.PENDING, previous, now);
    assign(tx, d.id(), next.get(), previous, now);
  }

  /**
   * The assignment of the version in the stage's role. A candidate, shadow or arm stays beside the
   * active version the device had assigned before, else the registered version it reports active;
   * a shadow or an arm without one cannot run (empty). A device that serves the version already keeps serving it.
   * An arm split by device is an active version that records outcomes: the new one on the devices of
   * arm B, and on those of arm A the version they serve (never the new one; empty when they serve no other).
   */
  Optional<Assignment> assignment(DeviceRecord d, ModelVersion v, Rollout r, SlotRole role, Optional<Assignment> previous) {
    if (splitsByDevice(r, role)) {
      if (r.strategy().ab().inArmB(d.id(), r.id())) {
        return Optional.of(Assignment.recordingOutcomes(v.name(), v.version(), v.digest(), r.id()));
      }
      return runsAlready(d, v) ? Optional.empty() : activeBefore(d, v, previous)
          .map(a -> Assignment.recordingOutcomes(v.name(), a.version(), a.digest(), r.id()));
    }
    Assignment active = new Assignment(v.name(), v.version(), v.digest(), r.id());
    if (role == SlotRole.ACTIVE || runsAlready(d, v)) {
      return Optional.of(active);
    }
    Optional<Assignment.Beside> beside = activeBefore(d, v, previous);
    if (beside.isEmpty() && role != SlotRole.CANDIDATE) {
      return Optional.empty();
    }
    Double share = role == SlotRole.ARM ? r.strategy().ab().share() : null;
    return Optional.of(new Assignment(v.name(), v.version(), v.digest(), r.id(), role, share, beside.orElse(null)));
  }

  static boolean splitsByDevice(Rollout r, SlotRole role) {
    return role == SlotRole.ARM && r.strategy().ab().split() == AbSplit.DEVICE;
  }

  // The version other than v the device had assigned active before, else the registered one it reports active.
  private Optional<Assignment.Beside> activeBefore(DeviceRecord d, ModelVersion v, Optional<Assignment> previous) {
    return previous.filter(p -> p.role() == SlotRole.ACTIVE)
        .map(p -> new Assignment.Beside(p.version(), p.digest()))
        .or(() -> reportedActive(d, v.name()).flatMap(version -> registry.find(v.name(), version))
            .map(m -> new Assignment.Beside(m.version(), m.digest())))
        .filter(b -> b.version() != v.version());
  }

  private static Optional<Integer> reportedActive(DeviceRecord d, String model) {
    ReportedState r = d.reported();
    return r == null ? Optional.empty() : r.models().stream().filter(m -> m.name().equals(model) && m.activeVersion() != null)
        .map(ReportedState.ModelStatus::activeVersion).findFirst();
  }

  /** Assigns to the device, superseding its unfinished target in the rollout that assigned it before. */
  void assign(Transaction tx, String deviceId, Assignment next, Optional<Assignment> previous, Instant now) {
    if (previous.isPresent() && previous.get().rolloutId() != next.rolloutId()) {
      supersede(tx, previous.get().rolloutId(), deviceId, next.rolloutId(), now);
    }
    desired.assign(tx, deviceId, next, now);
  }

  /**
   * Gives every device the rollout still holds the version in the role of its current stage, in
   * this one transaction (a blue-green switch, a shadow or an arm promoted); returns how many.
   */
  int switchRole(Transaction tx, Rollout r, ModelVersion v, Instant now) {
    SlotRole role = r.strategy().stages().get(r.stage()).role();
    int switched = 0;
    for (TouchedTarget t : stores.apply(tx).touched(r.id())) {
      Optional<Assignment> current = desired.assignment(tx, t.deviceId(), r.model());
      // An arm split by device is active already, but records outcomes until it is promoted.
      if (current.isEmpty() || current.get().rolloutId() != r.id() || current.get().role() == role
          && !current.get().recordOutcomes()) {
        continue;
      }
      Assignment.Beside beside = current.get().beside();
      Optional<Assignment> kept = beside == null ? Optional.empty()
          : Optional.of(new Assignment(r.model(), beside.version(), beside.digest(), r.id()));
      Optional<DeviceRecord> device = devices.find(tx, t.deviceId());
      Optional<Assignment> next = device.flatMap(d -> assignment(d, v, r, role, kept));
      if (next.isPresent()) {
        desired.assign(tx, t.deviceId(), next.get(), now);
        switched++;
      }
    }
    return switched;
  }

  private void supersede(Transaction tx, long previousRollout, String deviceId, long by, Instant now) {
    RolloutStore store = stores.apply(tx);
    if (store.lock(previousRollout).isEmpty()) {
      return;
    }
    Optional<TargetState> state = store.targetState(previousRollout, deviceId);
    if (state.isPresent() && !state.get().isFinal()) {
      store.updateTarget(previousRollout, deviceId, TargetState.SUPERSEDED, "superseded", "rollout " + by + " took the device over", now);
      finishIfDone(tx, previousRollout, now);
    }
  }

  /**
   * Puts every device the rollout touched back on the assignment it had before (or none), unless a
   * later rollout has taken the device over meanwhile; returns how many were put back.
   */
  int rollBack(Transaction tx, Rollout r, String reason, Instant now) {
    RolloutStore store = stores.apply(tx);
    int back = 0;
    for (TouchedTarget t : store.touched(r.id())) {
      if (t.state() == TargetState.ROLLED_BACK) {
        continue;
      }
      Optional<Assignment> current = desired.assignment(tx, t.deviceId(), r.model());
      if (current.isPresent() && current.get().rolloutId() == r.id()) {
        if (t.previous().isPresent()) {
          desired.assign(tx, t.deviceId(), t.previous().get(), now);
        } else {
          desired.unassign(tx, t.deviceId(), r.model(), now);
        }
        back++;
      }
      store.updateTarget(r.id(), t.deviceId(), TargetState.ROLLED_BACK, "rolled_back", reason, now);
    }
    return back;
  }

  /** Records a transition: the rollout's new status and a history entry with the reason. */
  void transition(Transaction tx, Rollout r, RolloutStatus status, RolloutEvent event, int stage, String reason, Instant now) {
    RolloutStore store = stores.apply(tx);
    store.setStatus(r.id(), status, now);
    store.addHistory(r.id(), new HistoryEntry(now, event, status, stage, reason));
    LOG.info("event=rollout_{} id={} model={} version={} stage={} status={} reason=\"{}\"", event.wireName(), r.id(), r.model(),
        r.version(), stage + 1, status, reason);
  }

  /** Counts of a rollout's targets as its strategy sees them. */
  static StageState state(Rollout r, Map<TargetState, Integer> counts, Instant now, GateReadings readings, RoleReadings roles) {
    int targets = 0;
    for (TargetState s : List.of(TargetState.PENDING, TargetState.DOWNLOADING, TargetState.INSTALLING, TargetState.STAGED,
        TargetState.ACTIVE, TargetState.FAILED)) {
      targets += counts.getOrDefault(s, 0);
    }
    int failed = counts.getOrDefault(TargetState.FAILED, 0);
    int active = counts.getOrDefault(TargetState.ACTIVE, 0);
    // A device that serves the version already counts as having staged it.
    return new StageState(r.stage(), r.stageStartedAt(), now, targets, active + failed, failed, readings,
        counts.getOrDefault(TargetState.STAGED, 0) + active, roles);
  }

  /** An all-at-once rollout finishes as soon as its last target is done, without waiting for the engine. */
  void finishIfDone(Transaction tx, long id, Instant now) {
    RolloutStore store = stores.apply(tx);
    if (store.lock(id).filter(s -> s == RolloutStatus.RUNNING).isEmpty()) {
      return;
    }
    Rollout r = store.find(id, 0).orElseThrow();
    if (r.strategy().kind() != Strategy.ALL_AT_ONCE) {
      return;
    }
    Verdict verdict = RolloutStrategy.of(r.strategy()).decide(state(r, store.counts(id), now, null, null));
    if (verdict.kind() == Verdict.Kind.FINISH) {
      transition(tx, r, RolloutStatus.FINISHED, RolloutEvent.FINISHED, r.stage(), verdict.reason(), now);
    }
  }

  Compatibility.Requirements requirements(Transaction tx, ModelVersion v) {
    return Compatibility.Requirements.of(registry.manifest(tx, v), v.size());
  }

  static boolean runsAlready(DeviceRecord d, ModelVersion v) {
    ReportedState r = d.reported();
    return r != null && r.models().stream()
        .anyMatch(m -> m.name().equals(v.name()) && Integer.valueOf(v.version()).equals(m.activeVersion()));
  }
}
