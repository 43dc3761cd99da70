package org.edgefleet.agent.update;

import java.util.stream.Collectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.edgefleet.agent.serving.ModelLoader;
import org.edgefleet.agent.serving.ModelRegistry;
import org.edgefleet.agent.transport.ChunkFetcher;
import org.edgefleet.agent.transport.Transport;
import org.edgefleet.protocol.bundle.BundleException.Reason;
import org.edgefleet.protocol.bundle.BundleReader;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.HealthGates;
import org.edgefleet.protocol.message.MessageException;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.transfer.ChunkMessage;
import org.edgefleet.protocol.trust.KeySetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns signed desired states into installed, active models. A revision's assignments are
 * worked through one at a time (one download in flight per device); a newer revision replaces
 * the queue but keeps a download the new revision still wants. A revision counts as applied once
 * every assignment has succeeded or failed for good, so a refused bundle is not fetched forever.
 * A failure of the device's storage (DISK_FULL, IO_ERROR) is not for good: the partial download is
 * deleted so the space returns, the failure is reported, and the assignment is tried again after a
 * backoff, and after a restart (the revision is not applied), until it succeeds or a newer revision
 * replaces it. A download that the free space cannot hold fails at once with DISK_FULL.
 *
 * <p>What a desired state may do is decided by {@link DesiredCheck}. The accepted revision's
 * expiry is watched: when no fresh copy has come by then (a freeze), unfinished work on it stops,
 * the installed models keep running, and "desired state expired" is reported.
 *
 * <p>While a bundle downloads, the device subscribes to the bundle's broadcast topic (where the
 * server publishes each chunk once for every device downloading it) and takes chunks from there
 * as from its own chunk topic; {@link Download} asks per device only for what the broadcast missed.
 *
 * <p>Not thread-safe: every method runs on the agent loop.
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
  private static final String EXPIRED = "desired state expired";

  private final String deviceId;
  private final Path dataDir;
  private final AgentTrust trust;
  private final DesiredCheck check;
  private final Clock clock;
  private final UpdateSettings settings;
  private final Transport transport;
  private final Executor loop;
  private final Topics topics;
  private final ChunkFetcher fetcher;
  private final SlotStore slots;
  private final ChunkStore chunks;
  private final UpdatePolicy policy;
  private final Installer installer;
  private final EventEmitter events;
  private final UpdateCounters counters;
  private final Listener listener;
  private final Map<String, String> modelStates = new HashMap<>();
  private final HealthGuard health;
  private final RoleStager roles;
  private HealthGates gates;

  private AgentState state;
  private long workingRevision;
  private Deque<ModelAssignment> queue = new ArrayDeque<>();
  private ModelAssignment current;
  private Download download;
  /** Assignments of the working revision that failed for the disk's sake, tried again at {@code retryAtNanos}. */
  private final List<ModelAssignment> retries = new ArrayList<>();
  private int retryAttempt;
  private long retryAtNanos;
  private boolean stateUnsaved;
  private boolean expiryReported;

  public UpdateManager(String deviceId, Path dataDir, Topics topics, AgentTrust trust, Clock clock, UpdateSettings settings,
      Transport transport, Executor loop, ModelLoader loader, ModelRegistry registry, EventEmitter events, UpdateCounters counters,
      Listener listener) throws IOException {
    this.deviceId = deviceId;
    this.dataDir = dataDir;
    this.trust = trust;
    this.check = new DesiredCheck(deviceId, trust, clock);
    this.clock = clock;
    this.settings = settings;
    this.transport = transport;
    this.loop = loop;
    this.topics = topics;
    this.fetcher = transport.chunkFetcher(topics.topic(deviceId, TopicKind.BUNDLE_REQUEST));
    this.slots = SlotStore.inDataDir(dataDir);
    this.chunks = new ChunkStore(dataDir.resolve("chunks"));
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
    this.counters = counters;
    this.listener = listener;
    this.state = AgentState.load(dataDir);
    slots.cleanLeftovers();
    AtomicFiles.deleteTree(dataDir.resolve(DOWNLOADS));
  }

  public SlotStore slots() {
    return slots;
  }

  public AgentState state() {
    return state;
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
    DesiredCheck.Verdict verdict = check.check(payload, state.acceptedRevision());
    reportKeySet(check.lastKeySet());
    if (verdict instanceof DesiredCheck.Refused r) {
      rejectDesired(r.reason(), r.details());
      return;
    }
    DesiredState desired;
    if (verdict instanceof DesiredCheck.Same same) {
      desired = same.state();
      refreshed(desired);
      roles.recordOutcomesAsAsked(desired);
      listener.onDesired(desired);
      if (desired.revision() <= state.appliedRevision() || desired.revision() == workingRevision) {
        log.debug("event=desired_state_known device={} revision={} applied={}", deviceId, desired.revision(),
            state.appliedRevision());
        return;
      }
      // Accepted before a restart or a freeze, and not finished: work on it again.
    } else {
      desired = ((DesiredCheck.Accepted) verdict).state();
      expiryReported = false;
      saveState(state.withAccepted(desired.revision(), desired.expiresAt()));
    }
    listener.onDesired(desired);
    log.info("event=desired_state_accepted device={} revision={} models={}", deviceId, desired.revision(), desired.models().size());
    workingRevision = desired.revision();
    gates = desired.health() != null ? desired.health() : settings.health();
    queue = new ArrayDeque<>();
    retries.clear();
    retryAttempt = 0;
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
      endDownload();
    }
    next();
  }

  /** A frame on the device's own chunk topic (answers to its requests). */
  public void onChunk(byte[] frame) {
    takeChunk(frame, false);
  }

  /** A frame on a bundle's broadcast topic. */
  public void onBroadcastChunk(byte[] frame) {
    takeChunk(frame, true);
  }

  private void takeChunk(byte[] frame, boolean broadcast) {
    if (download == null) {
      log.debug("event=chunk_ignored cause=no_download device={}", deviceId);
      return;
    }
    ChunkMessage chunk;
    try {
      // Download checks the data against the signed chunk hash: the frame's own hash would be a second hashing.
      chunk = ChunkMessage.decodeUnchecked(frame, download.ref().chunkSize());
    } catch (MessageException e) {
      rejectChunk(e.reason().name(), e.getMessage());
      return;
    }
    if (!chunk.digest().equals(download.ref().digest())) {
      log.debug("event=chunk_ignored cause=other_bundle device={} digest={}", deviceId, chunk.digest());
      return;
    }
    try {
      Download.Outcome outcome = broadcast ? download.acceptBroadcast(chunk.index(), chunk.data())
          : download.accept(chunk.index(), chunk.data());
      switch (outcome) {
        case CORRUPT -> {
          counters.corruptChunk();
          log.warn("event=chunk_corrupt action=request_again device={} bundle={} index={}", deviceId, chunk.digest(), chunk.index());
        }
        case OUT_OF_RANGE -> rejectChunk(MessageException.Reason.INVALID.name(),
            "index " + chunk.index() + " is beyond the bundle's " + download.ref().chunkCount() + " chunks");
        case STORED, ALREADY_HELD -> {
          if (download.isComplete()) {
            downloaded();
          }
        }
      }
    } catch (IOException e) {
      ModelAssignment failed = current;
      current = null;
      endDownload();
      fail(failed, UpdateFailure.io(Execution.DOWNLOAD, e));
      next();
    }
  }

  /**
   * Connected again at {@code connectedAtNanos} ({@link System#nanoTime()}): chunk requests made
   * before may have been lost with the old connection.
   */
  public void onConnected(long connectedAtNanos) {
    if (download != null) {
      download.subscriptionLost();
      listenToBroadcast();
      download.resendRequestedBefore(connectedAtNanos);
    }
  }

  // Subscribes to the download's broadcast topic; requests wait for the answer (see Download.awaitBroadcast).
  private void listenToBroadcast() {
    Download d = download;
    d.awaitBroadcast();
    transport.subscribeForNow(topics.bundleChunks(d.ref().digest())).whenComplete((ok, e) -> loop.execute(() -> {
      if (download != d) {
        return; // finished or replaced meanwhile
      }
      if (e == null) {
        d.listening();
      } else {
        log.debug("event=broadcast_not_joined device={} bundle={} reason=\"{}\"", deviceId, d.ref().digest(), e.getMessage());
        d.broadcastRefused();
      }
    }));
  }

  // Every end of a download: leave its broadcast.
  private void endDownload() {
    if (download != null) {
      transport.unsubscribe(topics.bundleChunks(download.ref().digest()));
      download = null;
    }
  }

  /** Periodic: re-requests chunks that waited too long, retries what failed for the disk's sake, saves unsaved state. */
  public void tick() {
    checkExpiry();
    if (download != null) {
      download.expire();
    }
    for (HealthGuard.Outcome o : health.tick()) {
      modelStates.put(o.model(), o.modelState());
      saveState(state.withLastError(o.lastError()));
      listener.onStateChanged();
    }
    if (stateUnsaved) {
      saveState(state);
    }
    if (!retries.isEmpty() && current == null && queue.isEmpty() && System.nanoTime() - retryAtNanos >= 0) {
      log.info("event=update_retried device={} revision={} attempt={} models={}", deviceId, workingRevision, retryAttempt,
          String.join(",", retries.stream().map(a -> a.name() + ":" + a.version()).collect(Collectors.toList())));
      queue.addAll(retries);
      retries.clear();
      next();
    }
  }

  /** A fresh signature of the accepted revision: its orders hold until the new expiry. */
  private void refreshed(DesiredState desired) {
    Instant held = state.acceptedExpiresAt();
    if (held != null && !desired.expiresAt().isAfter(held)) {
      return;
    }
    AgentState next = state.withAccepted(desired.revision(), desired.expiresAt());
    if (next.lastError() != null && next.lastError().startsWith(EXPIRED)) {
      next = next.withLastError(null);
    }
    expiryReported = false;
    saveState(next);
    listener.onStateChanged();
  }

  /** A freeze: the accepted revision's newest signed copy expired and no fresher one came. */
  private void checkExpiry() {
    Instant expiresAt = state.acceptedExpiresAt();
    if (expiryReported || expiresAt == null || expiresAt.isAfter(clock.instant())) {
      return;
    }
    expiryReported = true;
    boolean unfinished = workingRevision > state.appliedRevision();
    if (unfinished) {
      if (current != null) {
        modelStates.remove(current.name());
      }
      queue.clear();
      retries.clear();
      current = null;
      endDownload();
      workingRevision = 0;
    }
    log.warn("event=desired_state_expired device={} revision={} expired_at={} unfinished_update_stopped={}", deviceId,
        state.acceptedRevision(), expiresAt, unfinished);
    saveState(state.withLastError(EXPIRED + ": revision " + state.acceptedRevision() + " expired at " + expiresAt
        + " and no fresh copy came from the server; the installed models keep running"
        + (unfinished ? "; the unfinished update stopped" : "")));
    listener.onStateChanged();
  }

  private void reportKeySet(DesiredCheck.KeySetOutcome outcome) {
    if (outcome == null) {
      return;
    }
    if (outcome.offer() == AgentTrust.Offer.UPDATED) {
      // The report carries the trusted version: operators see the rotation reach this device.
      listener.onStateChanged();
      return;
    }
    if (outcome.refusal() == null) {
      return;
    }
    KeySetException e = outcome.refusal();
    log.warn("event=key_set_refused device={} reason={} details=\"{}\"", deviceId, e.reason(), e.getMessage());
    if (e.reason() != KeySetException.Reason.VERSION_NOT_NEWER) {
      saveState(state.withLastError("key set refused: " + e.reason() + ": " + e.getMessage()));
      listener.onStateChanged();
    }
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
      current = a;
      modelStates.put(a.name(), "downloading");
      listener.onStateChanged();
      events.started(a.name(), a.version(), Execution.DOWNLOAD);
      download = new Download(a.bundle(), chunks, this::request, settings.chunkWindow(),
          settings.chunkTimeout().toNanos(), System::nanoTime);
      if (transport.isConnected()) {
        listenToBroadcast();
      }
      download.start();
      if (download.isComplete()) {
        downloaded();
      }
    }
  }

  private void downloaded() {
    ModelAssignment a = current;
    Path file = dataDir.resolve(DOWNLOADS).resolve(a.bundle().digest() + ".bundle");
    try {
      ChunkStore.Assembly assembly = chunks.assemble(a.bundle(), file);
      if (!assembly.badChunks().isEmpty()) {
        log.warn("event=stored_chunks_damaged action=fetch_again device={} bundle={} chunks={}", deviceId, a.bundle().digest(),
            assembly.badChunks());
        download.refetch(assembly.badChunks());
        return;
      }
      if (!assembly.digest().equals(a.bundle().digest())) {
        throw new UpdateFailure(Execution.DOWNLOAD, Reason.HASH_MISMATCH, "assembled bundle has digest "
            + assembly.digest() + " but the desired state names " + a.bundle().digest());
      }
      events.succeeded(a.name(), a.version(), Execution.DOWNLOAD, download.progress());
      modelStates.put(a.name(), "installing");
      SlotStore.SlotInfo slot = installer.install(a, file);
      if (a.role() != SlotRole.ACTIVE) {
        roles.stage(a, slot);
      }
      modelStates.remove(a.name());
    } catch (UpdateFailure f) {
      fail(a, f);
    } catch (IOException e) {
      fail(a, UpdateFailure.io(Execution.DOWNLOAD, e));
    } finally {
      deleteQuietly(file);
    }
    current = null;
    endDownload();
    listener.onStateChanged();
    next();
  }

  private void finishRevision() {
    if (workingRevision <= state.appliedRevision() || !retries.isEmpty()) {
      return;
    }
    retryAttempt = 0;
    saveState(state.withApplied(workingRevision));
    log.info("event=desired_state_applied device={} revision={}", deviceId, workingRevision);
    try {
      Set<String> keep = new HashSet<>(slots.heldChunks());
      int deleted = chunks.retainOnly(keep);
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
      // Space first, so that the failure event and the state below can be written.
      if (UpdateFailure.DISK_FULL.equals(f.reason())) {
        releaseSpace();
        details += "; partial download deleted, " + settings.usableSpace().bytes(dataDir) + " bytes usable now, about "
            + DiskSpace.needed(a.bundle(), 0) + " needed";
      }
      long delay = settings.retryBackoff().delayMillis(retryAttempt++, ThreadLocalRandom.current().nextDouble());
      retryAtNanos = System.nanoTime() + delay * 1_000_000;
      retries.add(a);
      details += "; retried in " + delay + " ms";
    }
    events.failed(a.name(), a.version(), f.step(), f.reason(), details);
    modelStates.put(a.name(), "failed: " + f.reason());
    saveState(state.withLastError(a.name() + " v" + a.version() + " " + f.step().wireName() + " " + f.reason() + ": " + details));
    listener.onStateChanged();
  }

  /** Deletes what a failed download left: chunks no installed slot holds, assembled files, scratch slots. */
  private void releaseSpace() {
    try {
      int deleted = chunks.retainOnly(new HashSet<>(slots.heldChunks()));
      AtomicFiles.deleteTree(dataDir.resolve(DOWNLOADS));
      slots.cleanLeftovers();
      log.info("event=partial_download_deleted cause=disk_full device={} chunks={} usable={}", deviceId, deleted, settings.usableSpace().bytes(dataDir));
    } catch (IOException e) {
      log.warn("event=partial_download_delete_failed device={} reason=\"{}\"", deviceId, e.getMessage());
    }
  }

  private void rejectDesired(String reason, String details) {
    counters.rejectedMessage();
    log.warn("event=desired_state_rejected device={} reason={} details=\"{}\"", deviceId, reason, details);
    saveState(state.withLastError("desired state rejected: " + reason + ": " + details));
    listener.onStateChanged();
  }

  // Chunk frames are not worth a lastError: a bad one is simply requested again.
  private void rejectChunk(String reason, String details) {
    counters.rejectedMessage();
    log.warn("event=chunk_rejected device={} reason={} details=\"{}\"", deviceId, reason, details);
  }

  private void request(BundleRef bundle, List<Integer> indexes, boolean listening) {
    if (!transport.isConnected()) {
      return; // re-requested on reconnect
    }
    fetcher.request(bundle, indexes, listening)
        .whenComplete((ok, e) -> {
          if (e != null) {
            log.debug("event=chunk_request_not_sent action=retry device={} reason=\"{}\"", deviceId, e.getMessage());
          }
        });
  }

  /** Keeps the state in memory at once; a failed save is tried again on every tick until it lands. */
  private void saveState(AgentState next) {
    state = next;
    try {
      next.save(dataDir);
      stateUnsaved = false;
    } catch (IOException e) {
      if (!stateUnsaved) {
        log.error("event=state_save_failed action=retry device={} reason=\"{}\"", deviceId, e.getMessage());
      }
      stateUnsaved = true;
    }
  }

  private static boolean sameTarget(ModelAssignment a, ModelAssignment b) {
    return a.name().equals(b.name()) && a.version() == b.version() && a.bundle().digest().equals(b.bundle().digest());
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.debug("event=delete_failed file={} reason=\"{}\"", file, e.getMessage());
    }
  }
}
