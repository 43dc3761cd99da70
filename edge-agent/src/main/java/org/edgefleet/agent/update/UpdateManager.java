package org.edgefleet.agent.update;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.edgefleet.agent.serving.ModelLoader;
import org.edgefleet.agent.serving.ModelRegistry;
import org.edgefleet.agent.transport.Transport;
import org.edgefleet.protocol.bundle.BundleReader;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.HealthGates;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.protocol.mqtt.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns signed desired states into installed, active models. A revision's assignments are
 * worked through one at a time (one download in flight per device); a newer revision replaces
 * the queue but keeps a download the new revision still wants. A revision counts as applied once
 * every assignment has succeeded or failed for good, so a refused bundle is not fetched forever.
 * A failure of the device's storage (DISK_FULL, IO_ERROR) is not for good: {@link StorageRetries}
 * tries the assignment again after a backoff, and so does a restart (the revision is not applied),
 * until it succeeds or a newer revision replaces it. A download that the free space cannot hold
 * fails at once with DISK_FULL.
 *
 * <p>This class orchestrates; the parts are: {@link DesiredCheck} decides what a desired state may
 * do, {@link DesiredStateWatch} watches the accepted revision's expiry (on a freeze, unfinished work
 * on it stops and the installed models keep running), {@link ChunkIntake} feeds the current
 * download from the device's chunk topic and the bundle's broadcast, {@link Installer},
 * {@link RoleStager} and {@link HealthGuard} install, stage and watch what was downloaded.
 *
 * <p>Not thread-safe: every method runs on the agent loop, and so do the parts it calls.
 */
public final class UpdateManager {

  /** What the agent core hears from updates. */
  public interface Listener {
    void onActivated(String model, int version);

    /** Slots, applied revision, last error or a model's state changed: the reported state is stale. */
    void onStateChanged();

    /** A desired state was accepted (or a fresh copy of the accepted one came): its per-version terms apply now. */
    void onDesired(DesiredState desired);
  }

  private static final Logger log = LoggerFactory.getLogger(UpdateManager.class);
  private static final String DOWNLOADS = "downloads";
  private static final String BUNDLES = "bundles";
  /** The chunk store of agents before 0.3.0 (a file per chunk); its chunks are fetched again once. */
  private static final String OLD_CHUNKS = "chunks";

  private final String deviceId;
  private final Path dataDir;
  private final AgentTrust trust;
  private final DesiredCheck check;
  private final UpdateSettings settings;
  private final SlotStore slots;
  private final ChunkStore chunks;
  private final UpdatePolicy policy;
  private final Installer installer;
  private final EventEmitter events;
  private final Listener listener;
  private final Map<String, String> modelStates = new HashMap<>();
  private final HealthGuard health;
  private final RoleStager roles;
  private final SavedAgentState state;
  private final DesiredStateWatch watch;
  private final ChunkIntake intake;
  private final StorageRetries retries;
  private HealthGates gates;

  private long workingRevision;
  private Deque<ModelAssignment> queue = new ArrayDeque<>();
  private ModelAssignment current;

  public UpdateManager(String deviceId, Path dataDir, Topics topics, AgentTrust trust, Clock clock, UpdateSettings settings,
      Transport transport, Executor loop, ModelLoader loader, ModelRegistry registry, EventEmitter events, UpdateCounters counters,
      Listener listener) throws IOException {
    this.deviceId = deviceId;
    this.dataDir = dataDir;
    this.trust = trust;
    this.check = new DesiredCheck(deviceId, trust, clock);
    this.settings = settings;
    this.slots = SlotStore.inDataDir(dataDir);
    this.chunks = new ChunkStore(dataDir.resolve(DOWNLOADS), dataDir.resolve(BUNDLES));
    this.intake = new ChunkIntake(deviceId, topics, transport, loop, settings, counters, new ChunkIntake.Listener() {
      @Override
      public void onComplete() {
        downloaded();
      }

      @Override
      public void onStoreFailed(IOException e) {
        downloadFailed(e);
      }
    });
    this.policy = new UpdatePolicy(slots, loader, settings.limits(), settings.agentVersion(), settings.platform());
    this.gates = settings.health();
    this.health = new HealthGuard(deviceId, slots, registry, events, new HealthVetoes(dataDir), () -> gates);
    this.installer = new Installer(slots, () -> new BundleReader(trust.current(), settings.limits(), clock), policy, loader,
        registry, events, a -> {
          health.onActivated(a);
          listener.onActivated(a.model(), a.current().version());
        });
    health.rollBackWith(installer);
    this.roles = new RoleStager(deviceId, installer, registry);
    this.events = events;
    this.listener = listener;
    this.state = new SavedAgentState(deviceId, dataDir);
    this.watch = new DesiredStateWatch(deviceId, clock, state, counters, listener::onStateChanged);
    this.retries = new StorageRetries(deviceId, dataDir, slots, chunks, settings);
    slots.cleanLeftovers();
    // downloads/ stays: a download goes on where it stopped. Stale ones go when a revision is applied.
    AtomicFiles.deleteTree(dataDir.resolve(OLD_CHUNKS));
  }

  public SlotStore slots() {
    return slots;
  }

  public AgentState state() {
    return state.get();
  }

  /** The version of the key set the agent trusts, or null when it trusts fixed keys. */
  public Long keySetVersion() {
    long v = trust.version();
    return v == 0 ? null : v;
  }

  /** What the agent is doing with each model it has touched: downloading, installing, failed: REASON. */
  public Map<String, String> modelStates() {
    return Map.copyOf(modelStates);
  }

  public void onDesired(byte[] payload) {
    if (payload == null || payload.length == 0) {
      log.debug("event=desired_state_empty device={} action=ignore", deviceId);
      return;
    }
    DesiredCheck.Verdict verdict = check.check(payload, state.get().acceptedRevision());
    watch.reportKeySet(check.lastKeySet());
    if (verdict instanceof DesiredCheck.Refused r) {
      watch.rejected(r.reason(), r.details());
      return;
    }
    DesiredState desired;
    if (verdict instanceof DesiredCheck.Same same) {
      desired = same.state();
      watch.refreshed(desired);
      roles.recordOutcomesAsAsked(desired);
      listener.onDesired(desired);
      if (desired.revision() <= state.get().appliedRevision() || desired.revision() == workingRevision) {
        log.debug("event=desired_state_known device={} revision={} applied={}", deviceId, desired.revision(),
            state.get().appliedRevision());
        return;
      }
      // Accepted before a restart or a freeze, and not finished: work on it again.
    } else {
      desired = ((DesiredCheck.Accepted) verdict).state();
      watch.accepted(desired);
    }
    listener.onDesired(desired);
    log.info("event=desired_state_accepted device={} revision={} models={}", deviceId, desired.revision(), desired.models().size());
    workingRevision = desired.revision();
    gates = desired.health() != null ? desired.health() : settings.health();
    queue = new ArrayDeque<>();
    retries.clear();
    roles.dropUnwanted(desired);
    roles.recordOutcomesAsAsked(desired);
    for (ModelAssignment a : RoleStager.installOrder(desired)) {
      if (current != null && sameTarget(current, a)) {
        current = a; // keep the transfer going, under the new revision's terms
      } else {
        queue.add(a);
      }
    }
    if (current != null && !desired.models().contains(current)) {
      log.info("event=download_abandoned cause=superseded device={} model={} version={}", deviceId, current.name(), current.version());
      modelStates.remove(current.name());
      current = null;
      intake.end();
    }
    next();
  }

  /** A frame on the device's own chunk topic (answers to its requests). */
  public void onChunk(byte[] frame) {
    intake.take(frame, false);
  }

  /** A frame on a bundle's broadcast topic. */
  public void onBroadcastChunk(byte[] frame) {
    intake.take(frame, true);
  }

  /**
   * Connected again at {@code connectedAtNanos} ({@link System#nanoTime()}): chunk requests made
   * before may have been lost with the old connection.
   */
  public void onConnected(long connectedAtNanos) {
    intake.reconnected(connectedAtNanos);
  }

  /** Periodic: re-requests chunks that waited too long, retries what failed for the disk's sake, saves unsaved state. */
  public void tick() {
    watch.checkExpiry(this::stopUnfinishedWork);
    intake.tick();
    for (HealthGuard.Outcome o : health.tick()) {
      modelStates.put(o.model(), o.modelState());
      state.save(state.get().withLastError(o.lastError()));
      listener.onStateChanged();
    }
    state.saveIfUnsaved();
    if (current == null && queue.isEmpty()) {
      List<ModelAssignment> due = retries.takeDue(workingRevision);
      if (!due.isEmpty()) {
        queue.addAll(due);
        next();
      }
    }
  }

  // A freeze: the work left on the expired revision stops; says whether there was any.
  private boolean stopUnfinishedWork() {
    if (workingRevision <= state.get().appliedRevision()) {
      return false;
    }
    if (current != null) {
      modelStates.remove(current.name());
    }
    queue.clear();
    retries.clear();
    current = null;
    intake.end();
    workingRevision = 0;
    return true;
  }

  private void next() {
    while (current == null) {
      ModelAssignment a = queue.poll();
      if (a == null) {
        finishRevision();
        return;
      }
      try {
        start(a);
      } catch (UpdateFailure f) {
        fail(a, f);
      } catch (IOException e) {
        fail(a, UpdateFailure.io(Execution.VERIFY, e));
      }
    }
  }

  private void start(ModelAssignment a) throws UpdateFailure, IOException {
    if (modelStates.remove(a.name()) != null) {
      listener.onStateChanged(); // a failure of an earlier revision no longer describes the model
    }
    if (a.role() == SlotRole.ACTIVE) {
      health.checkNotVetoed(a.name(), a.version());
    }
    UpdatePolicy.Decision d = policy.decide(a);
    if (a.role() != SlotRole.ACTIVE && d instanceof UpdatePolicy.Switch s) {
      roles.stage(a, s.slot());
      listener.onStateChanged();
    } else if (d instanceof UpdatePolicy.Switch s) {
      modelStates.put(a.name(), "activating");
      installer.activate(a.name(), s.slot(), s.rollback() ? Execution.ROLLBACK : Execution.ACTIVATE);
      modelStates.remove(a.name());
      listener.onStateChanged();
    } else if (d instanceof UpdatePolicy.Fetch) {
      DiskSpace.check(a.bundle(), chunks, dataDir, settings.usableSpace());
      ScratchBundle scratch;
      try {
        scratch = chunks.open(a.bundle(), slots.heldBundles());
      } catch (IOException e) {
        throw UpdateFailure.io(Execution.DOWNLOAD, e);
      }
      current = a;
      modelStates.put(a.name(), "downloading");
      listener.onStateChanged();
      events.started(a.name(), a.version(), Execution.DOWNLOAD);
      if (intake.begin(scratch).isComplete()) {
        downloaded();
      }
    }
  }

  private void downloaded() {
    ModelAssignment a = current;
    Download download = intake.current();
    ScratchBundle scratch = download.scratch();
    UpdateFailure failure = null;
    try {
      Path file = scratch.finish();
      events.succeeded(a.name(), a.version(), Execution.DOWNLOAD, download.progress());
      modelStates.put(a.name(), "installing");
      SlotStore.SlotInfo slot = installer.install(a, file);
      keep(scratch);
      if (a.role() != SlotRole.ACTIVE) {
        roles.stage(a, slot);
      }
      modelStates.remove(a.name());
    } catch (UpdateFailure f) {
      if (fetchAgainIfDamaged(a, download, f)) {
        return;
      }
      failure = f;
    } catch (IOException e) {
      failure = UpdateFailure.io(Execution.DOWNLOAD, e);
    }
    current = null;
    intake.end(); // closes the scratch file before a failure may delete it to free space
    if (failure != null) {
      fail(a, failure);
    }
    listener.onStateChanged();
    next();
  }

  // Installed: its file stays as the source of chunks for later bundles. Failing that costs only the reuse.
  private void keep(ScratchBundle scratch) {
    try {
      chunks.keep(scratch);
    } catch (IOException e) {
      log.warn("event=bundle_not_kept device={} bundle={} reason=\"{}\"", deviceId, scratch.ref().digest(), e.getMessage());
    }
  }

  /**
   * A bundle that fails to verify may have been damaged on disk after its chunks were checked (a
   * power loss takes data the chunk map already counts): its chunks are checked against their signed
   * hashes, and the damaged ones fetched again instead of failing the update.
   */
  private boolean fetchAgainIfDamaged(ModelAssignment a, Download download, UpdateFailure f) {
    if (f.step() != Execution.VERIFY || f.isTransient()) {
      return false;
    }
    List<Integer> damaged;
    try {
      damaged = download.scratch().damaged();
    } catch (IOException e) {
      log.warn("event=scratch_check_failed device={} bundle={} reason=\"{}\"", deviceId, a.bundle().digest(), e.getMessage());
      return false;
    }
    if (damaged.isEmpty()) {
      return false;
    }
    log.warn("event=stored_chunks_damaged action=fetch_again device={} bundle={} chunks={} verify=\"{}\"", deviceId,
        a.bundle().digest(), damaged, f.getMessage());
    modelStates.put(a.name(), "downloading");
    events.started(a.name(), a.version(), Execution.DOWNLOAD);
    download.refetch(damaged);
    return true;
  }

  private void downloadFailed(IOException e) {
    ModelAssignment failed = current;
    current = null;
    intake.end();
    fail(failed, UpdateFailure.io(Execution.DOWNLOAD, e));
    next();
  }

  private void finishRevision() {
    if (workingRevision <= state.get().appliedRevision() || retries.any()) {
      return;
    }
    retries.clear();
    state.save(state.get().withApplied(workingRevision));
    log.info("event=desired_state_applied device={} revision={}", deviceId, workingRevision);
    try {
      int deleted = chunks.retainOnly(SlotStore.digests(slots.heldBundles()));
      log.debug("event=chunk_store_pruned device={} deleted={}", deviceId, deleted);
    } catch (IOException e) {
      log.warn("event=chunk_store_prune_failed device={} reason=\"{}\"", deviceId, e.getMessage());
    }
    listener.onStateChanged();
  }

  private void fail(ModelAssignment a, UpdateFailure failure) {
    UpdateFailure f = failure.classify(dataDir, settings.usableSpace());
    String details = f.getMessage();
    if (f.isTransient()) {
      // Space first (after DISK_FULL), so that the failure event and the state below can be written.
      details += retries.retryLater(a, f);
    }
    events.failed(a.name(), a.version(), f.step(), f.reason(), details);
    modelStates.put(a.name(), "failed: " + f.reason());
    state.save(state.get().withLastError(a.name() + " v" + a.version() + " " + f.step().wireName() + " " + f.reason() + ": " + details));
    listener.onStateChanged();
  }

  private static boolean sameTarget(ModelAssignment a, ModelAssignment b) {
    return a.name().equals(b.name()) && a.version() == b.version() && a.bundle().digest().equals(b.bundle().digest());
  }

}
