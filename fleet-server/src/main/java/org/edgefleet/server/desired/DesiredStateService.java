package org.edgefleet.server.desired;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.message.SignedDesiredState;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.server.device.DeviceListener;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.mqtt.Publisher;
import org.edgefleet.server.registry.ModelStore;
import org.edgefleet.server.registry.ModelVersion;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs and publishes each device's desired state (retained, QoS 1). It publishes again when a
 * device reports an older applied revision (at most once per reconcile interval per device) and
 * for every device after the server's MQTT connection comes back, so a broker that lost its
 * retained messages converges. Signing runs on one thread, so one device's states reach the broker
 * in revision order.
 */
public final class DesiredStateService implements DeviceListener {

  private static final Logger LOG = LoggerFactory.getLogger(DesiredStateService.class);
  private static final int REPUBLISH_WINDOW = 64;
  // Fixed header, topic length and packet id of a PUBLISH, on top of topic and payload.
  private static final int PUBLISH_OVERHEAD = 9;

  private record Snapshot(Desired desired, Map<String, Integer> highestVersions) {}

  private final Database db;
  private final DesiredStore store;
  private final ModelStore models;
  private final RegistryService registry;
  private final SigningKey key;
  private final Topics topics;
  private final Publisher publisher;
  private final int maxPacketSize;
  private final long reconcileNanos;
  private final ExecutorService signer;
  private final ServerMetrics metrics;
  private final Map<String, Long> lastPublished = new ConcurrentHashMap<>();

  public DesiredStateService(Database db, DesiredStore store, ModelStore models, RegistryService registry, SigningKey key,
      Topics topics, Publisher publisher, int maxPacketSize, Duration reconcileInterval, ExecutorService signer,
      ServerMetrics metrics) {
    this.db = db;
    this.store = store;
    this.models = models;
    this.registry = registry;
    this.key = key;
    this.topics = topics;
    this.publisher = publisher;
    this.maxPacketSize = maxPacketSize;
    this.reconcileNanos = reconcileInterval.toNanos();
    this.signer = signer;
    this.metrics = metrics;
  }

  public CompletableFuture<Optional<Desired>> desired(String deviceId) {
    return db.execute(c -> store.desired(deviceId));
  }

  public CompletableFuture<List<Desired>> all() {
    return db.execute(c -> store.all());
  }

  /** Signs and publishes the device's current desired state. */
  public CompletableFuture<Void> publish(String deviceId) {
    lastPublished.put(deviceId, System.nanoTime());
    return db.execute(c -> {
      Optional<Desired> d = store.desired(deviceId);
      if (d.isEmpty()) {
        return null;
      }
      Map<String, Integer> highest = new HashMap<>();
      for (Assignment a : d.get().assignments()) {
        highest.put(a.model(), models.maxVersion(a.model()));
      }
      return new Snapshot(d.get(), highest);
    }).thenApplyAsync(this::encode, signer).thenCompose(payload -> {
      if (payload == null) {
        return CompletableFuture.<Void>completedFuture(null);
      }
      return publisher.publish(topics.topic(deviceId, TopicKind.DESIRED), payload, 1, true)
          .thenRun(metrics::desiredPublished);
    }).whenComplete((v, e) -> {
      if (e != null) {
        LOG.debug("event=desired_publish_failed device={} reason=\"{}\"", deviceId, e.getMessage());
      }
    });
  }

  /** Publishes every device's desired state, a window at a time so the client's in-flight limit holds. */
  public CompletableFuture<Void> publishAll() {
    return db.execute(c -> store.devices()).thenCompose(ids -> publishFrom(ids, 0));
  }

  private CompletableFuture<Void> publishFrom(List<String> ids, int from) {
    if (from >= ids.size()) {
      return CompletableFuture.completedFuture(null);
    }
    List<String> window = ids.subList(from, Math.min(ids.size(), from + REPUBLISH_WINDOW));
    CompletableFuture<?>[] sent = window.stream().map(id -> publish(id).exceptionally(e -> null)).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(sent).thenCompose(v -> publishFrom(ids, from + REPUBLISH_WINDOW));
  }

  /** Reconciliation: a device that reports an older revision gets its desired state again. */
  @Override
  public void onReported(String deviceId, long appliedRevision) throws java.sql.SQLException {
    long revision = store.desired(deviceId).map(Desired::revision).orElse(0L);
    Long last = lastPublished.get(deviceId);
    if (appliedRevision < revision && (last == null || System.nanoTime() - last >= reconcileNanos)) {
      LOG.debug("event=desired_reconcile device={} applied={} revision={}", deviceId, appliedRevision, revision);
      publish(deviceId);
    }
  }

  /** Why a desired state with this version cannot be published, or empty when it fits the packet limit. */
  public Optional<String> whyTooLarge(ModelVersion v) {
    String longestId = "x".repeat(64);
    DesiredState s = new DesiredState(longestId, Long.MAX_VALUE, Instant.now(),
        List.of(new ModelAssignment(v.name(), v.version(), SlotRole.ACTIVE, v.bundle(), true)));
    int bytes = packetBytes(longestId, MessageCodec.encode(SignedDesiredState.sign(s, key)));
    if (bytes <= maxPacketSize) {
      return Optional.empty();
    }
    return Optional.of("its desired state (" + v.bundle().chunkCount() + " chunk hashes) needs " + bytes
        + "-byte MQTT packets but the maximum packet size is " + maxPacketSize
        + ": raise --max-packet-size (and the broker's limit) or --chunk-size");
  }

  private byte[] encode(Snapshot snap) {
    if (snap == null) {
      return null;
    }
    Desired d = snap.desired();
    List<ModelAssignment> assigned = new ArrayList<>();
    for (Assignment a : d.assignments()) {
      Optional<ModelVersion> v = registry.byDigest(a.digest());
      if (v.isEmpty()) {
        LOG.warn("event=desired_bundle_missing device={} model={} version={}", d.deviceId(), a.model(), a.version());
        continue;
      }
      // Asking for less than the highest version ever registered is a rollback the device must accept.
      boolean rollback = a.version() < snap.highestVersions().getOrDefault(a.model(), a.version());
      assigned.add(new ModelAssignment(a.model(), a.version(), SlotRole.ACTIVE, v.get().bundle(), rollback));
    }
    DesiredState state = new DesiredState(d.deviceId(), d.revision(), d.issuedAt(), assigned);
    byte[] payload = MessageCodec.encode(SignedDesiredState.sign(state, key));
    if (packetBytes(d.deviceId(), payload) > maxPacketSize) {
      LOG.error("event=desired_too_large device={} bytes={} max_packet_size={}", d.deviceId(), payload.length, maxPacketSize);
      return null;
    }
    return payload;
  }

  private int packetBytes(String deviceId, byte[] payload) {
    return PUBLISH_OVERHEAD + topics.topic(deviceId, TopicKind.DESIRED).length() + payload.length;
  }
}
