package org.edgefleet.server.rollout;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.desired.Assignment;
import org.edgefleet.server.desired.DesiredStateService;
import org.edgefleet.server.desired.DesiredStore;
import org.edgefleet.server.device.DeviceListener;
import org.edgefleet.server.device.DeviceRecord;
import org.edgefleet.server.device.DeviceStore;
import org.edgefleet.server.device.ModelUpdate;
import org.edgefleet.server.registry.ModelVersion;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rollouts as a persistent state machine: the rollout, its stage and every target's state are
 * stored, and device feedback moves targets and then the rollout. Nothing lives only in memory,
 * so a server restarted mid-rollout carries on where it was. A rollout assigns its version to each
 * target (the latest rollout of a model wins on a device), bumps the device's desired revision and
 * publishes the signed desired state.
 */
public final class RolloutService implements DeviceListener {

  private static final Logger LOG = LoggerFactory.getLogger(RolloutService.class);

  private final Database db;
  private final RolloutStore store;
  private final DesiredStore desired;
  private final DeviceStore devices;
  private final RegistryService registry;
  private final DesiredStateService publisher;
  private final Clock clock;

  public RolloutService(Database db, RolloutStore store, DesiredStore desired, DeviceStore devices,
      RegistryService registry, DesiredStateService publisher, Clock clock) {
    this.db = db;
    this.store = store;
    this.desired = desired;
    this.devices = devices;
    this.registry = registry;
    this.publisher = publisher;
    this.clock = clock;
  }

  public CompletableFuture<Rollout> create(RolloutRequest req) {
    if (req.model() == null || req.model().isBlank() || req.version() == null) {
      return CompletableFuture.failedFuture(FleetException.invalid("bad_request", "a rollout needs \"model\" and \"version\""));
    }
    Selector selector;
    Strategy strategy;
    try {
      selector = Selector.parse(req.selector());
      strategy = Strategy.parse(req.strategy());
    } catch (FleetException e) {
      return CompletableFuture.failedFuture(e);
    }
    Optional<ModelVersion> found = registry.find(req.model(), req.version());
    if (found.isEmpty()) {
      return CompletableFuture.failedFuture(FleetException.notFound("version_not_found",
          req.model() + " v" + req.version() + " is not registered: upload its bundle first (POST /api/v1/bundles)"));
    }
    ModelVersion v = found.get();
    Instant now = clock.instant();
    return db.execute(c -> start(v, selector, strategy, now)).thenCompose(created -> {
      created.targets().forEach(t -> publisher.publish(t.deviceId()));
      LOG.info("event=rollout_created id={} model={} version={} targets={}", created.id(), v.name(), v.version(),
          created.targets().size());
      return get(created.id());
    });
  }

  private Rollout start(ModelVersion v, Selector selector, Strategy strategy, Instant now) throws SQLException {
    // Signing a desired state of a large bundle takes a while: here, not on the caller's event loop.
    Optional<String> tooLarge = publisher.whyTooLarge(v);
    if (tooLarge.isPresent()) {
      throw FleetException.unprocessable("desired_too_large", v.name() + " v" + v.version() + " cannot be rolled out: " + tooLarge.get());
    }
    List<DeviceRecord> all = devices.all();
    List<DeviceRecord> targets = all.stream().filter(d -> selector.matches(d.labels())).toList();
    if (targets.isEmpty()) {
      throw FleetException.unprocessable("no_matching_devices", "no known device matches selector '" + selector + "' ("
          + all.size() + " devices known; a device is known after its first valid message)");
    }
    long id = store.create(v.name(), v.version(), v.digest(), selector.toString(), strategy, RolloutStatus.RUNNING, now);
    for (DeviceRecord d : targets) {
      store.addTarget(id, d.id(), 0, runsAlready(d, v) ? TargetState.ACTIVE : TargetState.PENDING, now);
      Optional<Assignment> previous = desired.assignment(d.id(), v.name());
      if (previous.isPresent()) {
        supersede(previous.get().rolloutId(), d.id(), id, now);
      }
      desired.assign(d.id(), new Assignment(v.name(), v.version(), v.digest(), id), now);
    }
    advance(id, now);
    return store.find(id, true).orElseThrow();
  }

  private static boolean runsAlready(DeviceRecord d, ModelVersion v) {
    ReportedState r = d.reported();
    return r != null && r.models().stream()
        .anyMatch(m -> m.name().equals(v.name()) && Integer.valueOf(v.version()).equals(m.activeVersion()));
  }

  private void supersede(long previousRollout, String deviceId, long by, Instant now) throws SQLException {
    Optional<TargetState> state = store.targetState(previousRollout, deviceId);
    if (state.isPresent() && !state.get().isFinal()) {
      store.updateTarget(previousRollout, deviceId, TargetState.SUPERSEDED, "superseded", "rollout " + by + " took the device over", now);
      advance(previousRollout, now);
    }
  }

  /** Moves the rollout on when its targets allow; for all-at-once, it finishes once every target is final. */
  private void advance(long id, Instant now) throws SQLException {
    Optional<Rollout> r = store.find(id, false);
    if (r.isEmpty() || r.get().status() != RolloutStatus.RUNNING) {
      return;
    }
    Map<TargetState, Integer> counts = store.counts(id);
    boolean allFinal = counts.entrySet().stream().allMatch(e -> e.getKey().isFinal() || e.getValue() == 0);
    if (r.get().strategy() == Strategy.ALL_AT_ONCE && allFinal) {
      store.setStatus(id, RolloutStatus.FINISHED, now);
      LOG.info("event=rollout_finished id={} active={} failed={}", id, counts.get(TargetState.ACTIVE), counts.get(TargetState.FAILED));
    }
  }

  /** Device feedback about the version its current rollout assigned moves that rollout's target. */
  @Override
  public void onModelUpdate(ModelUpdate u) throws SQLException {
    Optional<Assignment> a = desired.assignment(u.deviceId(), u.model());
    if (a.isEmpty() || a.get().version() != u.version()) {
      return;
    }
    long rolloutId = a.get().rolloutId();
    TargetState next = TargetState.of(u.state());
    Optional<TargetState> current = store.targetState(rolloutId, u.deviceId());
    if (current.isEmpty() || !current.get().movesTo(next)) {
      return;
    }
    Instant now = clock.instant();
    boolean failed = next == TargetState.FAILED;
    store.updateTarget(rolloutId, u.deviceId(), next, failed ? reasonOrDefault(u.reason()) : null, failed ? u.details() : null, now);
    advance(rolloutId, now);
  }

  private static String reasonOrDefault(String reason) {
    return reason == null || reason.isBlank() ? "unknown" : reason;
  }

  /** Re-evaluates running rollouts after a restart: feedback may have completed them meanwhile. */
  public CompletableFuture<Void> resume() {
    return db.execute(c -> {
      Instant now = clock.instant();
      for (long id : store.withStatus(RolloutStatus.RUNNING)) {
        advance(id, now);
      }
      return null;
    });
  }

  public CompletableFuture<List<Rollout>> list() {
    return db.execute(c -> store.list());
  }

  public CompletableFuture<Rollout> get(long id) {
    return db.execute(c -> store.find(id, true).orElseThrow(() -> FleetException.notFound("rollout_not_found",
        "no rollout " + id + ": see GET /api/v1/rollouts")));
  }

  /** Why a version must not be deleted: a running rollout uses it, or devices are still assigned it. */
  public Optional<String> whyInUse(ModelVersion v) throws SQLException {
    List<String> reasons = new ArrayList<>();
    List<Long> running = store.running(v.name(), v.version());
    if (!running.isEmpty()) {
      reasons.add("rollout " + running + " is running with it (wait until it is FINISHED)");
    }
    int assigned = desired.devicesAssigned(v.digest());
    if (assigned > 0) {
      reasons.add("it is the desired version of " + assigned + " device(s) (roll out another version to them first)");
    }
    return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
  }
}
