package org.edgefleet.agent.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefleet.agent.serving.ModelLoader;
import org.edgefleet.agent.serving.ModelRegistry;
import org.edgefleet.agent.transport.Transport;
import org.edgefleet.protocol.bundle.BundleException.Reason;
import org.edgefleet.protocol.bundle.BundleReader;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.MessageException;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.message.SignedDesiredState;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.transfer.ChunkMessage;
import org.edgefleet.protocol.transfer.ChunkRequest;
import org.edgefleet.protocol.trust.TrustStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns signed desired states into installed, active models. A revision's assignments are
 * worked through one at a time (one download in flight per device); a newer revision replaces
 * the queue but keeps a download the new revision still wants. A revision counts as applied once
 * every assignment has succeeded or failed for good, so a refused bundle is not fetched forever.
 *
 * <p>Not thread-safe: every method runs on the agent loop.
 */
public final class UpdateManager {

  /** What the agent core hears from updates. */
  public interface Listener {
    void onActivated(String model, int version);

    /** Slots, applied revision, last error or a model's state changed: the reported state is stale. */
    void onStateChanged();
  }

  private static final Logger log = LoggerFactory.getLogger(UpdateManager.class);
  private static final String DOWNLOADS = "downloads";

  private final String deviceId;
  private final Path dataDir;
  private final TrustStore trust;
  private final UpdateSettings settings;
  private final Transport transport;
  private final String requestTopic;
  private final SlotStore slots;
  private final ChunkStore chunks;
  private final UpdatePolicy policy;
  private final Installer installer;
  private final EventEmitter events;
  private final UpdateCounters counters;
  private final Listener listener;
  private final Map<String, String> modelStates = new HashMap<>();

  private AgentState state;
  private long workingRevision;
  private Deque<ModelAssignment> queue = new ArrayDeque<>();
  private ModelAssignment current;
  private Download download;

  public UpdateManager(String deviceId, Path dataDir, Topics topics, TrustStore trust, Clock clock, UpdateSettings settings,
      Transport transport, ModelLoader loader, ModelRegistry registry, EventEmitter events, UpdateCounters counters,
      Listener listener) throws IOException {
    this.deviceId = deviceId;
    this.dataDir = dataDir;
    this.trust = trust;
    this.settings = settings;
    this.transport = transport;
    this.requestTopic = topics.topic(deviceId, TopicKind.BUNDLE_REQUEST);
    this.slots = new SlotStore(dataDir.resolve("models"));
    this.chunks = new ChunkStore(dataDir.resolve("chunks"));
    this.policy = new UpdatePolicy(slots, loader, settings.limits(), settings.agentVersion());
    this.installer = new Installer(slots, new BundleReader(trust, settings.limits(), clock), policy, loader, registry,
        events, listener::onActivated);
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

  /** What the agent is doing with each model it has touched: downloading, installing, failed: REASON. */
  public Map<String, String> modelStates() {
    return Map.copyOf(modelStates);
  }

  public void onDesired(byte[] payload) {
    if (payload == null || payload.length == 0) {
      log.debug("empty desired state ignored device={} (retained message cleared)", deviceId);
      return;
    }
    DesiredState desired;
    try {
      desired = MessageCodec.decode(payload, SignedDesiredState.class, SignedDesiredState.MAX_BYTES).open(trust);
    } catch (MessageException e) {
      rejectDesired(e.reason().name(), e.getMessage());
      return;
    }
    if (!desired.deviceId().equals(deviceId)) {
      rejectDesired(MessageException.Reason.INVALID.name(), "it is addressed to device " + desired.deviceId());
      return;
    }
    if (desired.revision() <= state.appliedRevision() || desired.revision() <= workingRevision) {
      log.debug("desired state already handled device={} revision={} applied={}", deviceId, desired.revision(),
          state.appliedRevision());
      return;
    }
    log.info("desired state accepted device={} revision={} models={}", deviceId, desired.revision(), desired.models().size());
    workingRevision = desired.revision();
    queue = new ArrayDeque<>();
    for (ModelAssignment a : desired.models()) {
      if (a.role() != SlotRole.ACTIVE) {
        continue;
      }
      if (current != null && sameTarget(current, a)) {
        current = a; // keep the transfer going, under the new revision's terms
      } else {
        queue.add(a);
      }
    }
    if (current != null && !desired.models().contains(current)) {
      log.info("download abandoned device={} model={} version={} (superseded)", deviceId, current.name(), current.version());
      modelStates.remove(current.name());
      current = null;
      download = null;
    }
    next();
  }

  public void onChunk(byte[] frame) {
    if (download == null) {
      log.debug("chunk ignored device={} (no download in progress)", deviceId);
      return;
    }
    ChunkMessage chunk;
    try {
      chunk = ChunkMessage.decode(frame, download.ref().chunkSize());
    } catch (MessageException e) {
      rejectChunk(e.reason().name(), e.getMessage());
      return;
    }
    if (!chunk.digest().equals(download.ref().digest())) {
      log.debug("chunk of another bundle ignored device={} digest={}", deviceId, chunk.digest());
      return;
    }
    try {
      switch (download.accept(chunk.index(), chunk.data())) {
        case CORRUPT -> {
          counters.corruptChunk();
          log.warn("corrupt chunk dropped device={} bundle={} index={} (requested again)", deviceId, chunk.digest(), chunk.index());
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
      fail(current, UpdateFailure.io(Execution.DOWNLOAD, e));
      current = null;
      download = null;
      next();
    }
  }

  /**
   * Connected again at {@code connectedAtNanos} ({@link System#nanoTime()}): chunk requests made
   * before may have been lost with the old connection.
   */
  public void onConnected(long connectedAtNanos) {
    if (download != null) {
      download.resendRequestedBefore(connectedAtNanos);
    }
  }

  /** Periodic: re-requests chunks that waited too long. */
  public void tick() {
    if (download != null) {
      download.expire();
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
    UpdatePolicy.Decision d = policy.decide(a);
    if (d instanceof UpdatePolicy.Switch s) {
      modelStates.put(a.name(), "activating");
      installer.activate(a.name(), s.slot(), s.rollback() ? Execution.ROLLBACK : Execution.ACTIVATE);
      modelStates.remove(a.name());
      listener.onStateChanged();
    } else if (d instanceof UpdatePolicy.Fetch) {
      current = a;
      modelStates.put(a.name(), "downloading");
      listener.onStateChanged();
      events.started(a.name(), a.version(), Execution.DOWNLOAD);
      download = new Download(a.bundle(), chunks, this::request, settings.chunkWindow(),
          settings.chunkTimeout().toNanos(), System::nanoTime);
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
        log.warn("stored chunks damaged device={} bundle={} chunks={} (fetching again)", deviceId, a.bundle().digest(),
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
      installer.install(a, file);
      modelStates.remove(a.name());
    } catch (UpdateFailure f) {
      fail(a, f);
    } catch (IOException e) {
      fail(a, UpdateFailure.io(Execution.DOWNLOAD, e));
    } finally {
      deleteQuietly(file);
    }
    current = null;
    download = null;
    listener.onStateChanged();
    next();
  }

  private void finishRevision() {
    if (workingRevision <= state.appliedRevision()) {
      return;
    }
    saveState(state.withApplied(workingRevision));
    log.info("desired state applied device={} revision={}", deviceId, workingRevision);
    try {
      Set<String> keep = new HashSet<>(slots.heldChunks());
      int deleted = chunks.retainOnly(keep);
      log.debug("chunk store pruned device={} deleted={}", deviceId, deleted);
    } catch (IOException e) {
      log.warn("chunk store prune failed device={} reason={}", deviceId, e.getMessage());
    }
    listener.onStateChanged();
  }

  private void fail(ModelAssignment a, UpdateFailure f) {
    events.failed(a.name(), a.version(), f.step(), f.reason(), f.getMessage());
    modelStates.put(a.name(), "failed: " + f.reason());
    saveState(state.withLastError(a.name() + " v" + a.version() + " " + f.step().wireName() + " " + f.reason() + ": " + f.getMessage()));
    listener.onStateChanged();
  }

  private void rejectDesired(String reason, String details) {
    counters.rejectedMessage();
    log.warn("desired state rejected device={} reason={} details={}", deviceId, reason, details);
    saveState(state.withLastError("desired state rejected: " + reason + ": " + details));
    listener.onStateChanged();
  }

  // Chunk frames are not worth a lastError: a bad one is simply requested again.
  private void rejectChunk(String reason, String details) {
    counters.rejectedMessage();
    log.warn("chunk frame rejected device={} reason={} details={}", deviceId, reason, details);
  }

  private void request(String digest, List<Integer> indexes) {
    if (!transport.isConnected()) {
      return; // re-requested on reconnect
    }
    transport.publish(requestTopic, MessageCodec.encode(new ChunkRequest(digest, indexes)), false)
        .whenComplete((ok, e) -> {
          if (e != null) {
            log.debug("chunk request not sent device={} reason={} (will retry)", deviceId, e.getMessage());
          }
        });
  }

  private void saveState(AgentState next) {
    state = next;
    try {
      next.save(dataDir);
    } catch (IOException e) {
      log.error("cannot save agent state device={} reason={}", deviceId, e.getMessage());
    }
  }

  private static boolean sameTarget(ModelAssignment a, ModelAssignment b) {
    return a.name().equals(b.name()) && a.version() == b.version() && a.bundle().digest().equals(b.bundle().digest());
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.debug("cannot delete file={} reason={}", file, e.getMessage());
    }
  }
}
