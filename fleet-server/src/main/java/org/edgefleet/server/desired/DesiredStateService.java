package org.edgefleet.server.desired;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.message.SignedDesiredState;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.trust.SignedKeySet;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.server.device.DeviceListener;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.channel.DesiredChannel;
import org.edgefleet.server.registry.ModelVersion;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.sampling.SamplingPolicies;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.GroupCommit;
import org.edgefleet.server.store.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs and publishes each device's desired state over its {@link DesiredChannel} (over MQTT retained, QoS 1). It publishes again when a
 * device reports an older applied revision (at most once per reconcile interval per device) and
 * for every device after the server's MQTT connection comes back, so a broker that lost its
 * retained messages converges. Signing runs on one thread and never signs a revision older than
 * one it signed for the device, so one device's states reach the broker in revision order even when
 * the reads of two publications finish out of order. Other features change desired states through
 * {@link #assign}, which publishes once their transaction has committed. Every signed state expires
 * after the validity; {@link #publishAll} runs each third of it (periodic work of the lease holder,
 * so once for the whole group), so a device keeps getting fresh signatures of the same revision and
 * can tell a freeze from quiet. The fleet's key set, when there is one, travels in every envelope.
 *
 * <p>Each publication the broker acknowledged is recorded with its revision, so a revision that
 * was committed and never published (the instance stopped in between) is found and published by
 * {@link #publishUnpublished}, whichever instance runs it.
 */
public final class DesiredStateService implements DeviceListener {

  private static final Logger LOG = LoggerFactory.getLogger(DesiredStateService.class);
  private static final int REPUBLISH_WINDOW = 64;
  // Fixed header, topic length and packet id of a PUBLISH, on top of topic and payload.
  private static final int PUBLISH_OVERHEAD = 9;

  private static final int REPAIR_BATCH = 1000;

  private record Snapshot(Desired desired, Map<String, Integer> highestVersions) {}

  private record Signed(String deviceId, long revision, byte[] payload) {}

  private final Database db;
  private final Function<Transaction, DesiredStore> stores;
  private final RegistryService registry;
  private final SigningKey key;
  private final Topics topics;
  private final DesiredChannel channel;
  private final int maxPacketSize;
  private final long reconcileNanos;
  private final ExecutorService signer;
  private final ServerMetrics metrics;
  private final Map<String, Long> lastPublished = new ConcurrentHashMap<>();
  // The bundles the newest state signed for each device names: what the broker lets it subscribe to.
  private final Map<String, Set<String>> signedBundles = new ConcurrentHashMap<>();
  // How many devices' newest states name each bundle; changed with signedBundles in setNamed.
  private final Map<String, Integer> namedBy = new ConcurrentHashMap<>();
  private final GroupCommit<Signed, Boolean> published;
  // Only the signer thread reads and writes it.
  private final Map<String, Long> signedRevision = new HashMap<>();
  private final Duration validity;
  private final SignedKeySet keySet;
  private final Clock clock;
  private final SamplingPolicies sampling;

  /**
   * @param validity how long each signed state stays good
   * @param keySet the fleet's key set, sent with every state; null without one
   */
  public DesiredStateService(Database db, Function<Transaction, DesiredStore> stores, RegistryService registry,
      SigningKey key, Topics topics, DesiredChannel channel, int maxPacketSize, Duration reconcileInterval,
      ExecutorService signer, ServerMetrics metrics, Duration validity, SignedKeySet keySet, Clock clock,
      SamplingPolicies sampling) {
    this.sampling = sampling;
    this.validity = validity;
    this.keySet = keySet;
    this.clock = clock;
    this.db = db;
    this.stores = stores;
    this.registry = registry;
    this.key = key;
    this.topics = topics;
    this.channel = channel;
    this.maxPacketSize = maxPacketSize;
    this.reconcileNanos = reconcileInterval.toNanos();
    this.signer = signer;
    this.metrics = metrics;
    this.published = new GroupCommit<>(db, 500, (tx, done) -> {
      DesiredStore store = stores.apply(tx);
      done.forEach(p -> store.markPublished(p.deviceId(), p.revision()));
      return done.stream().map(p -> true).toList();
    });
  }

  public CompletableFuture<Optional<Desired>> desired(String deviceId) {
    return db.read(tx -> stores.apply(tx).desired(deviceId));
  }

  public CompletableFuture<List<Desired>> all() {
    return db.read(tx -> stores.apply(tx).all());
  }

  /** The device's assignment for the model, read in the caller's transaction. */
  public Optional<Assignment> assignment(Transaction tx, String deviceId, String model) {
    return stores.apply(tx).assignment(deviceId, model);
  }

  /** The device's desired revision (0: it has none), read in the caller's transaction. */
  public long revision(Transaction tx, String deviceId) {
    return stores.apply(tx).desired(deviceId).map(Desired::revision).orElse(0L);
  }

  /**
   * Sets the device's assignment for the model in the caller's transaction and bumps its revision;
   * the new desired state is published once the transaction has committed. Returns the new revision.
   */
  public long assign(Transaction tx, String deviceId, Assignment assignment, Instant now) {
    long revision = stores.apply(tx).assign(deviceId, assignment, now);
    tx.afterCommit(() -> {
      // Named at once, before signing: a rollout's devices count as naming the bundle from its commit on.
      Set<String> held = signedBundles.getOrDefault(deviceId, Set.of());
      Set<String> names = new HashSet<>(held);
      names.add(assignment.digest());
      setNamed(deviceId, Set.copyOf(names));
      publish(deviceId);
    });
    return revision;
  }

  /**
   * Removes the device's assignment for the model in the caller's transaction (a rollback to
   * before any rollout of it); publishes once the transaction has committed.
   */
  public long unassign(Transaction tx, String deviceId, String model, Instant now) {
    long revision = stores.apply(tx).unassign(deviceId, model, now);
    tx.afterCommit(() -> publish(deviceId));
    return revision;
  }

  /** How many devices are assigned the bundle, read in the caller's transaction. */
  public int devicesAssigned(Transaction tx, String digest) {
    return stores.apply(tx).devicesAssigned(digest);
  }

  /** Signs and publishes the device's current desired state. */
  public CompletableFuture<Void> publish(String deviceId) {
    lastPublished.put(deviceId, System.nanoTime());
    return db.read(tx -> {
      Optional<Desired> d = stores.apply(tx).desired(deviceId);
      if (d.isEmpty()) {
        return null;
      }
      Map<String, Integer> highest = new HashMap<>();
      for (Assignment a : d.get().assignments()) {
        highest.put(a.model(), registry.highestVersion(tx, a.model()));
      }
      return new Snapshot(d.get(), highest);
    }).thenApplyAsync(this::encode, signer).thenCompose(signed -> {
      if (signed == null) {
        return CompletableFuture.<Void>completedFuture(null);
      }
      return channel.sendDesired(deviceId, signed.payload()).thenRun(() -> {
        metrics.desiredPublished();
        published.submit(signed);
      });
    }).whenComplete((v, e) -> {
      if (e != null) {
        LOG.debug("event=desired_publish_failed device={} reason=\"{}\"", deviceId, e.getMessage());
      }
    });
  }

  /** Publishes every device's desired state, a window at a time so the client's in-flight limit holds. */
  public CompletableFuture<Void> publishAll() {
    return db.read(tx -> stores.apply(tx).devices()).thenCompose(ids -> publishFrom(ids, 0));
  }

  private CompletableFuture<Void> publishFrom(List<String> ids, int from) {
    if (from >= ids.size()) {
      return CompletableFuture.completedFuture(null);
    }
    List<String> window = ids.subList(from, Math.min(ids.size(), from + REPUBLISH_WINDOW));
    CompletableFuture<?>[] sent = window.stream().map(id -> publish(id).exceptionally(e -> null)).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(sent).thenCompose(v -> publishFrom(ids, from + REPUBLISH_WINDOW));
  }

  /**
   * Publishes the desired states committed at least {@code after} ago and never acknowledged by the
   * broker: what an instance that stopped between its commit and its publication left behind.
   * Periodic work of the lease holder; publishing a state twice is harmless (the agent applies a
   * revision once).
   */
  public CompletableFuture<Void> publishUnpublished(Duration after) {
    return db.read(tx -> stores.apply(tx).unpublished(Instant.now().minus(after), REPAIR_BATCH)).thenCompose(ids -> {
      if (!ids.isEmpty()) {
        LOG.info("event=desired_repair devices={}", ids.size());
      }
      return publishFrom(ids, 0);
    });
  }

  /** Reconciliation: a device that reports an older revision gets its desired state again. */
  @Override
  public void onReported(Transaction tx, String deviceId, long appliedRevision) {
    long revision = stores.apply(tx).desired(deviceId).map(Desired::revision).orElse(0L);
    Long last = lastPublished.get(deviceId);
    if (appliedRevision < revision && (last == null || System.nanoTime() - last >= reconcileNanos)) {
      LOG.debug("event=desired_reconcile device={} applied={} revision={}", deviceId, appliedRevision, revision);
      tx.afterCommit(() -> publish(deviceId));
    }
  }

  /**
   * Whether the device's newest desired state names the bundle: recorded when an assignment commits
   * and when a state is signed (before publication), so a device that acts on its state at once is
   * not refused; empty after a restart until the states are signed again (a device refused
   * meanwhile downloads per device).
   */
  public boolean names(String deviceId, String digest) {
    Set<String> bundles = signedBundles.get(deviceId);
    return bundles != null && bundles.contains(digest);
  }

  /** How many devices' newest desired states name the bundle. */
  public int devicesNaming(String digest) {
    return namedBy.getOrDefault(digest, 0);
  }

  /** Why a desired state with this version cannot be published, or empty when it fits the packet limit. */
  public Optional<String> whyTooLarge(ModelVersion v) {
    String longestId = "x".repeat(64);
    DesiredState s = new DesiredState(longestId, Long.MAX_VALUE, Instant.now(),
        List.of(new ModelAssignment(v.name(), v.version(), SlotRole.ACTIVE, v.bundle(), true)));
    int bytes = packetBytes(longestId, MessageCodec.encode(envelope(s)));
    if (bytes <= maxPacketSize) {
      return Optional.empty();
    }
    return Optional.of("its desired state (" + v.bundle().chunkCount() + " chunk hashes) needs " + bytes
        + "-byte MQTT packets but the maximum packet size is " + maxPacketSize
        + ": raise --max-packet-size (and the broker's limit) or --chunk-size");
  }

  private Signed encode(Snapshot snap) {
    if (snap == null) {
      return null;
    }
    Desired d = snap.desired();
    if (d.revision() < signedRevision.getOrDefault(d.deviceId(), 0L)) {
      return null; // a newer revision was signed already: this read finished late
    }
    signedRevision.put(d.deviceId(), d.revision());
    List<ModelAssignment> assigned = new ArrayList<>();
    for (Assignment a : d.assignments()) {
      Optional<ModelVersion> v = registry.byDigest(a.digest());
      Optional<ModelVersion> beside = a.beside() == null ? Optional.empty() : registry.byDigest(a.beside().digest());
      if (v.isEmpty() || a.beside() != null && beside.isEmpty()) {
        LOG.warn("event=desired_bundle_missing device={} model={} version={}", d.deviceId(), a.model(), a.version());
        continue;
      }
      int highest = snap.highestVersions().getOrDefault(a.model(), a.version());
      beside.ifPresent(b -> assigned.add(new ModelAssignment(a.model(), b.version(), SlotRole.ACTIVE, b.bundle(),
          b.version() < highest)));
      // Asking for less than the highest version ever registered is a rollback the device must accept.
      boolean rollback = a.role() == SlotRole.ACTIVE && a.version() < highest;
      ModelAssignment m = new ModelAssignment(a.model(), a.version(), a.role(), v.get().bundle(), rollback, a.share())
          .withSampling(sampling.of(a.model(), a.version()).orElse(null));
      assigned.add(a.recordOutcomes() ? m.recordingOutcomes() : m);
    }
    // Signed afresh at every publication: the expiry counts from now, not from the revision's change.
    Instant now = clock.instant();
    Instant issuedAt = d.issuedAt().isBefore(now) ? d.issuedAt() : now.minusMillis(1);
    DesiredState state = new DesiredState(d.deviceId(), d.revision(), issuedAt, now.plus(validity), assigned);
    byte[] payload = MessageCodec.encode(envelope(state));
    if (packetBytes(d.deviceId(), payload) > maxPacketSize) {
      LOG.error("event=desired_too_large device={} bytes={} max_packet_size={}", d.deviceId(), payload.length, maxPacketSize);
      return null;
    }
    setNamed(d.deviceId(), assigned.stream().map(m -> m.bundle().digest()).collect(Collectors.toUnmodifiableSet()));
    return new Signed(d.deviceId(), d.revision(), payload);
  }

  // From the committing thread (assign) and the signer thread (encode).
  private synchronized void setNamed(String deviceId, Set<String> names) {
    Set<String> before = signedBundles.put(deviceId, names);
    for (String digest : names) {
      if (before == null || !before.contains(digest)) {
        namedBy.merge(digest, 1, Integer::sum);
      }
    }
    if (before != null) {
      for (String digest : before) {
        if (!names.contains(digest)) {
          namedBy.computeIfPresent(digest, (k, n) -> n > 1 ? n - 1 : null);
        }
      }
    }
  }

  private SignedDesiredState envelope(DesiredState state) {
    SignedDesiredState signed = SignedDesiredState.sign(state, key);
    return keySet == null ? signed : signed.withKeySet(keySet);
  }

  private int packetBytes(String deviceId, byte[] payload) {
    return PUBLISH_OVERHEAD + topics.topic(deviceId, TopicKind.DESIRED).length() + payload.length;
  }
}
