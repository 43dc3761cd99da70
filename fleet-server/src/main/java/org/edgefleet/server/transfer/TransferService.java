package org.edgefleet.server.transfer;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import io.micrometer.core.instrument.Counter;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.transfer.ChunkMessage;
import org.edgefleet.protocol.transfer.ChunkRequest;
import org.edgefleet.server.channel.BundleBroadcastChannel;
import org.edgefleet.server.channel.ChunkChannel;
import org.edgefleet.server.device.DeviceListener;
import org.edgefleet.server.metrics.RateLimitedLog;
import org.edgefleet.server.metrics.RejectReason;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.registry.ModelVersion;
import org.edgefleet.server.registry.RegistryService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers chunk requests with bounded flow: a chunk is in flight from the moment it is read until
 * the broker acknowledges its publication, and at most {@code perDevice} chunks per device and
 * {@code total} overall are in flight. Requested chunks beyond that wait in a small per-device
 * queue (indexes only) served round-robin across devices; beyond the queue they are dropped, since
 * an agent asks again for what it did not get.
 *
 * <p>The in-flight bound limits memory, not volume (the broker acknowledges at once): what a device
 * may be sent is bounded by the {@link ChunkBudget}, charged when a chunk is queued. Chunks over
 * budget are refused, counted by reason and logged at most once per reason every ten seconds.
 *
 * <p>With broadcasts on, a request from a listening device may start a {@link BundleBroadcasts}
 * pass, and while one runs such a request is served only below the pass's position: the rest comes
 * once for all devices. Requests of devices not listening (repairs, older agents) are served as asked.
 */
public final class TransferService implements DeviceListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TransferService.class);

  /** Limits of the flow. */
  public record Limits(int total, int perDevice, int queuePerDevice) {}

  private record Chunk(String digest, int index) {}

  private record Send(String deviceId, Chunk chunk) {}

  private static final class DeviceQueue {
    final ArrayDeque<Chunk> waiting = new ArrayDeque<>();
    final Set<Chunk> pending = new HashSet<>();
    int inFlight;
  }

  private final RegistryService registry;
  private final ChunkSource source;
  private final ChunkChannel channel;
  private final Limits limits;
  private final ExecutorService io;
  private final ServerMetrics metrics;
  private final Map<ChunkBudget.Refusal, Counter> refused = new EnumMap<>(ChunkBudget.Refusal.class);
  private final RateLimitedLog<ChunkBudget.Refusal> refusals =
      new RateLimitedLog<>(LOG, "chunk_request_refused", TimeUnit.SECONDS.toNanos(10));
  // Guarded by this: the flow state is small and every change is a few operations.
  private final Map<String, DeviceQueue> devices = new HashMap<>();
  private final ArrayDeque<String> rotation = new ArrayDeque<>();
  private final ChunkBudget budget;
  private final BundleBroadcasts broadcasts;
  private int inFlight;
  private int queued;
  private int peakTotal;
  private int peakPerDevice;

  /**
   * @param broadcast when bundles are broadcast, or null to serve every device on its own
   * @param broadcastChannel where broadcast chunks go; unused when {@code broadcast} is null
   * @param devicesNaming how many devices' current desired states name a bundle digest
   */
  public TransferService(RegistryService registry, ChunkChannel channel, Limits limits,
      ChunkBudget.Limits budget, BundleBroadcasts.Limits broadcast, BundleBroadcastChannel broadcastChannel,
      ToIntFunction<String> devicesNaming, ExecutorService io, ServerMetrics metrics) {
    this.registry = registry;
    this.source = new ChunkSource(registry);
    this.channel = channel;
    this.limits = limits;
    this.io = io;
    this.metrics = metrics;
    this.budget = new ChunkBudget(budget, System::nanoTime);
    this.broadcasts = broadcast == null ? null
        : new BundleBroadcasts(broadcast, this::frame, this::serveHeld, broadcastChannel, io, metrics, System::nanoTime,
            devicesNaming);
    for (ChunkBudget.Refusal r : ChunkBudget.Refusal.values()) {
      refused.put(r, metrics.counter("fleet.transfer.chunks.refused", "Requested chunks not served because a budget was used, by budget",
          "reason", r.label()));
    }
    registry.onBlobRemoved(source::evict);
    metrics.gauge("fleet.transfer.chunks.in.flight", "Chunks published and not yet acknowledged by the broker", this::inFlight);
    metrics.gauge("fleet.transfer.chunks.queued", "Requested chunks waiting for a free in-flight slot", this::queued);
    metrics.gauge("fleet.transfer.chunks.in.flight.peak", "Most chunks in flight at once since start", this::peakInFlight);
    metrics.gauge("fleet.transfer.chunks.in.flight.device.peak", "Most chunks in flight to one device at once since start",
        this::peakInFlightPerDevice);
  }

  /** Queues the requested chunks of a bundle the server holds; requests for other bundles are counted and ignored. */
  public void onRequest(String deviceId, ChunkRequest request) {
    Optional<ModelVersion> v = registry.byDigest(request.digest());
    if (v.isEmpty()) {
      metrics.rejected(RejectReason.UNKNOWN_DIGEST);
      LOG.debug("event=chunk_request_unknown_digest device={} digest={}", deviceId, request.digest());
      return;
    }
    int count = v.get().bundle().chunkCount();
    if (request.chunks().stream().anyMatch(i -> i >= count)) {
      metrics.rejected(RejectReason.INVALID);
      LOG.debug("event=chunk_request_out_of_range device={} digest={} chunks={}", deviceId, request.digest(), count);
      return;
    }
    // Chunks from here on come by a broadcast: a listening device is not sent them twice.
    BundleRef bundle = v.get().bundle();
    int broadcastFrom = request.listening() && broadcasts != null ? broadcasts.listening(deviceId, bundle, request.chunks()) : -1;
    queue(deviceId, bundle, request.chunks(), broadcastFrom, true);
  }

  // A gather window ended without a pass: what its devices asked for in it, as if asked now (each request was counted then).
  private void serveHeld(String deviceId, BundleRef bundle, List<Integer> chunks) {
    queue(deviceId, bundle, chunks, -1, false);
  }

  private void queue(String deviceId, BundleRef bundle, List<Integer> asked, int broadcastFrom, boolean newRequest) {
    String digest = bundle.digest();
    int dropped = 0;
    Map<ChunkBudget.Refusal, Integer> over = new EnumMap<>(ChunkBudget.Refusal.class);
    List<Send> sends;
    synchronized (this) {
      List<Integer> wanted = asked;
      if (newRequest && !budget.admitRequest(deviceId)) {
        over.put(ChunkBudget.Refusal.REQUEST_RATE, wanted.size());
        wanted = List.of();
      }
      DeviceQueue q = devices.computeIfAbsent(deviceId, id -> new DeviceQueue());
      boolean wasWaiting = !q.waiting.isEmpty();
      for (int index : wanted) {
        Chunk c = new Chunk(digest, index);
        if (q.pending.contains(c) || broadcastFrom >= 0 && index >= broadcastFrom) {
          continue;
        }
        if (q.waiting.size() >= limits.queuePerDevice()) {
          dropped++;
          continue;
        }
        ChunkBudget.Refusal refusal = budget.charge(deviceId, c.digest(), index, bundle.chunkLength(index));
        if (refusal != null) {
          over.merge(refusal, 1, Integer::sum);
          continue;
        }
        q.waiting.add(c);
        q.pending.add(c);
        queued++;
      }
      if (!wasWaiting && !q.waiting.isEmpty()) {
        rotation.add(deviceId);
      }
      forgetIfIdle(deviceId, q);
      sends = dispatch();
    }
    for (int i = 0; i < dropped; i++) {
      metrics.chunkRequestDropped();
    }
    over.forEach((reason, chunks) -> {
      refused.get(reason).increment(chunks);
      refusals.log(reason, reason.label(), deviceId, chunks + " chunks of " + digest);
    });
    sends.forEach(this::send);
  }

  /** Takes waiting chunks round-robin while the limits allow. Caller holds the lock. */
  private List<Send> dispatch() {
    List<Send> out = new ArrayList<>();
    int blocked = 0;
    while (inFlight < limits.total() && !rotation.isEmpty() && blocked < rotation.size()) {
      String id = rotation.poll();
      DeviceQueue q = devices.get(id);
      if (q == null || q.waiting.isEmpty()) {
        continue;
      }
      if (q.inFlight >= limits.perDevice()) {
        rotation.add(id);
        blocked++;
        continue;
      }
      Chunk c = q.waiting.poll();
      queued--;
      q.inFlight++;
      inFlight++;
      peakTotal = Math.max(peakTotal, inFlight);
      peakPerDevice = Math.max(peakPerDevice, q.inFlight);
      out.add(new Send(id, c));
      blocked = 0;
      if (!q.waiting.isEmpty()) {
        rotation.add(id);
      }
    }
    return out;
  }

  private void send(Send s) {
    try {
      io.execute(() -> {
        byte[] frame;
        try {
          BundleRef bundle = registry.byDigest(s.chunk().digest()).map(ModelVersion::bundle).orElseThrow(() ->
              new IOException("bundle " + s.chunk().digest() + " was deleted"));
          frame = frame(bundle, s.chunk().index());
        } catch (IOException | RuntimeException e) {
          LOG.warn("event=chunk_read_failed device={} digest={} index={} reason=\"{}\"", s.deviceId(), s.chunk().digest(),
              s.chunk().index(), e.getMessage());
          done(s, 0);
          return;
        }
        channel.sendChunk(s.deviceId(), frame)
            .whenComplete((v, e) -> done(s, e == null ? frame.length : 0));
      });
    } catch (RejectedExecutionException shuttingDown) {
      done(s, 0);
    }
  }

  // The plan's hash, not a new one: the source checked the chunk against it on its first read in this process.
  private byte[] frame(BundleRef bundle, int index) throws IOException {
    return new ChunkMessage(bundle.digest(), index, source.read(bundle, index)).encode(bundle.chunkHashes().get(index));
  }

  /** A chunk left flight: acknowledged (bytes > 0) or failed; frees its slots and sends what waits. */
  private void done(Send s, int bytes) {
    if (bytes > 0) {
      metrics.chunkSent(bytes);
    } else {
      metrics.chunkRequestDropped();
    }
    List<Send> next;
    synchronized (this) {
      inFlight--;
      DeviceQueue q = devices.get(s.deviceId());
      if (q != null) {
        q.inFlight--;
        q.pending.remove(s.chunk());
        forgetIfIdle(s.deviceId(), q);
      }
      next = dispatch();
    }
    next.forEach(this::send);
  }

  private void forgetIfIdle(String deviceId, DeviceQueue q) {
    if (q.inFlight == 0 && q.waiting.isEmpty()) {
      devices.remove(deviceId);
    }
  }

  /** A device that went offline will ask again after reconnecting: drop what waits for it. */
  @Override
  public void onOffline(String deviceId) {
    synchronized (this) {
      DeviceQueue q = devices.get(deviceId);
      if (q != null) {
        queued -= q.waiting.size();
        q.waiting.forEach(q.pending::remove);
        q.waiting.clear();
        rotation.remove(deviceId);
        forgetIfIdle(deviceId, q);
      }
    }
  }

  public synchronized int inFlight() {
    return inFlight;
  }

  public synchronized int queued() {
    return queued;
  }

  public synchronized int peakInFlight() {
    return peakTotal;
  }

  public synchronized int peakInFlightPerDevice() {
    return peakPerDevice;
  }

  /** Chunks broadcast and acknowledged since start (0 with broadcasts off). */
  public long chunksBroadcast() {
    return broadcasts == null ? 0 : broadcasts.chunksBroadcast();
  }

  @Override
  public void close() {
    if (broadcasts != null) {
      broadcasts.close();
    }
    source.close();
  }
}
