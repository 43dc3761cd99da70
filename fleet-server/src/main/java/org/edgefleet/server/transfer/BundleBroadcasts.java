package org.edgefleet.server.transfer;

import java.io.IOException;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import io.micrometer.core.instrument.Counter;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.transfer.ChunkMessage;
import org.edgefleet.server.ThreadPools;
import org.edgefleet.server.channel.BundleBroadcastChannel;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.metrics.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each chunk of a bundle once for every device downloading it, on the bundle's broadcast
 * topic. The rule is short on purpose:
 *
 * <ul>
 *   <li>The first <b>listening</b> chunk request for a bundle (the device subscribed to its topic and
 *       was not fed by a broadcast of it yet) opens a <b>gather window</b> of {@code gather}, if at
 *       least {@code minDevices} devices' desired states name the bundle (otherwise no broadcast
 *       could pay off, and requests are served per device at once). Listening requests in the window
 *       are held: the devices wait for the pass. The window ends once no new device started
 *       listening for {@code gather}, and at the latest {@link #MAX_WINDOWS} times {@code gather}
 *       after it opened, so a rollout's devices are all listening before chunk 0 goes out.
 *   <li>When the window ends, a <b>pass</b> starts if {@code minDevices} devices listened in it;
 *       otherwise the requests it held are served per device at once, and the window stays closed
 *       (listening requests are served per device) until no listening request came for a whole
 *       {@code gather}.
 *   <li>A pass publishes chunks 0 to n-1 in order, one every 1/{@code chunksPerSecond} seconds and
 *       at most {@link #IN_FLIGHT} not yet acknowledged by the broker, and ends when the last one
 *       left flight. It never goes back: what a device missed, or everything for a device that came
 *       after the pass, it asks for per device (the repair path).
 * </ul>
 *
 * {@link #listening} tells the caller from which index on a broadcast will bring the chunks, so a
 * listening device is not also sent those per device.
 */
public final class BundleBroadcasts implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BundleBroadcasts.class);

  /**
   * Chunks of one pass published and not yet acknowledged. The pass's rate is its pace; this only
   * keeps a stalled broker from piling up reads in memory.
   */
  public static final int IN_FLIGHT = 4;

  /** The longest a gather window stays open, in gather periods, however many devices keep arriving. */
  static final int MAX_WINDOWS = 4;

  /**
   * When passes start and how fast they go.
   *
   * @param minDevices listening devices in one gather window that start a pass (and desired states
   *     naming the bundle that open a window)
   * @param gather how long a gather window stays open
   * @param chunksPerSecond the pace of a pass
   */
  public record Limits(int minDevices, Duration gather, int chunksPerSecond) {
    /** The limits the server's settings give ({@code --broadcast-*}), or null with {@code --bundle-broadcast=false}. */
    public static Limits of(ServerConfig config) {
      return config.get(Settings.BUNDLE_BROADCAST) ? new Limits(config.get(Settings.BROADCAST_MIN_DEVICES),
          config.get(Settings.BROADCAST_GATHER), config.get(Settings.BROADCAST_CHUNKS_PER_SECOND)) : null;
    }

    public Limits {
      if (minDevices < 1 || gather.isNegative() || gather.isZero() || chunksPerSecond < 1 || chunksPerSecond > 1000) {
        throw new IllegalArgumentException("broadcast limits: minDevices >= 1, gather > 0, chunksPerSecond 1..1000");
      }
    }
  }

  /** Reads the frame of one chunk of a stored bundle. */
  @FunctionalInterface
  interface Frames {
    byte[] frame(BundleRef bundle, int index) throws IOException;
  }

  /** Serves chunks to one device on its own chunk topic. */
  @FunctionalInterface
  interface PerDevice {
    void serve(String deviceId, BundleRef bundle, List<Integer> chunks);
  }

  private static final class Gathering {
    final Set<String> devices = new HashSet<>();
    // The chunks each device asked for in the window: served per device if no pass comes of it.
    final Map<String, BitSet> held = new HashMap<>();
    final long openedAt;
    long lastNewDevice;
    boolean closed;
    long lastRequest;

    Gathering(long now) {
      openedAt = now;
      lastNewDevice = now;
    }
  }

  private static final class Pass {
    final BundleRef bundle;
    int next;
    int inFlight;
    ScheduledFuture<?> ticks;

    Pass(BundleRef bundle) {
      this.bundle = bundle;
    }
  }

  private final Limits limits;
  private final Frames frames;
  private final PerDevice perDevice;
  private final BundleBroadcastChannel channel;
  private final ExecutorService io;
  private final LongSupplier nanoTime;
  private final ToIntFunction<String> devicesNaming;
  private final ScheduledExecutorService pacer = ThreadPools.scheduled("fleet-broadcast");
  private final Counter chunks;
  private final Counter bytes;
  private final Counter failed;
  private final Counter started;
  // Guarded by this, by digest.
  private final Map<String, Gathering> gathering = new HashMap<>();
  private final Map<String, Pass> passes = new HashMap<>();

  /**
   * @param perDevice serves the requests a gather window held when no pass comes of it
   * @param devicesNaming how many devices' current desired states name a bundle digest
   */
  BundleBroadcasts(Limits limits, Frames frames, PerDevice perDevice, BundleBroadcastChannel channel, ExecutorService io,
      ServerMetrics metrics, LongSupplier nanoTime, ToIntFunction<String> devicesNaming) {
    this.limits = limits;
    this.devicesNaming = devicesNaming;
    this.frames = frames;
    this.perDevice = perDevice;
    this.channel = channel;
    this.io = io;
    this.nanoTime = nanoTime;
    this.chunks = metrics.counter("fleet.transfer.broadcast.chunks", "Bundle chunks broadcast once for every device downloading "
        + "the bundle and acknowledged by the broker", "path", "broadcast");
    this.bytes = metrics.counter("fleet.transfer.broadcast.bytes", "Bundle bytes broadcast and acknowledged by the broker",
        "path", "broadcast");
    this.failed = metrics.counter("fleet.transfer.broadcast.failed", "Broadcast chunks the broker did not acknowledge (devices "
        + "repair them)", "path", "broadcast");
    this.started = metrics.counter("fleet.transfer.broadcast.passes", "Broadcast passes started", "path", "broadcast");
    metrics.gauge("fleet.transfer.broadcast.running", "Broadcast passes running", this::running);
  }

  /**
   * A listening device asked for {@code chunks} of the bundle. Returns the index from which a
   * broadcast brings the chunks: the position of a running pass, or 0 while the gather window is
   * open (the window holds the request: the pass brings the chunks, or they are served per device
   * when the window ends without one); or -1 when no broadcast will. The caller serves per device
   * only the chunks below it.
   */
  int listening(String deviceId, BundleRef bundle, List<Integer> chunks) {
    String digest = bundle.digest();
    long now = nanoTime.getAsLong();
    Gathering opened;
    synchronized (this) {
      Pass running = passes.get(digest);
      if (running != null) {
        return running.next;
      }
      forgetIdle(now);
      Gathering g = gathering.get(digest);
      if (g == null) {
        if (devicesNaming.applyAsInt(digest) < limits.minDevices()) {
          return -1;
        }
        g = new Gathering(now);
        gathering.put(digest, g);
        opened = g;
      } else {
        opened = null;
      }
      g.lastRequest = now;
      if (g.closed) {
        return -1;
      }
      if (g.devices.add(deviceId)) {
        g.lastNewDevice = now;
      }
      BitSet held = g.held.computeIfAbsent(deviceId, id -> new BitSet(bundle.chunkCount()));
      chunks.forEach(held::set);
    }
    if (opened != null) {
      try {
        pacer.schedule(() -> windowEnded(bundle, opened), limits.gather().toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closed) {
        return -1;
      }
    }
    return 0;
  }

  private void windowEnded(BundleRef bundle, Gathering g) {
    Pass pass;
    Map<String, BitSet> held;
    synchronized (this) {
      if (gathering.get(bundle.digest()) != g) {
        return;
      }
      long now = nanoTime.getAsLong();
      long gather = limits.gather().toNanos();
      long end = Math.min(g.lastNewDevice + gather, g.openedAt + MAX_WINDOWS * gather);
      if (end - now > 0) { // devices still arriving: keep gathering
        try {
          pacer.schedule(() -> windowEnded(bundle, g), end - now, TimeUnit.NANOSECONDS);
          return;
        } catch (RejectedExecutionException closed) {
          return;
        }
      }
      if (g.devices.size() < limits.minDevices()) {
        g.closed = true;
        held = Map.copyOf(g.held);
        g.held.clear();
        pass = null;
      } else {
        gathering.remove(bundle.digest());
        held = Map.of();
        pass = new Pass(bundle);
        passes.put(bundle.digest(), pass);
      }
    }
    if (pass != null) {
      start(pass, g.devices.size());
      return;
    }
    LOG.info("event=broadcast_skipped digest={} listening={} min_devices={} action=per_device", bundle.digest(),
        g.devices.size(), limits.minDevices());
    // Answer now what the window held: a device asks again only after its chunk timeout, by when
    // this window may be forgotten and a new one would hold the device again, and again.
    held.forEach((device, chunks) -> perDevice.serve(device, bundle, chunks.stream().boxed().toList()));
  }

  synchronized int running() {
    return passes.size();
  }

  /** Chunks broadcast and acknowledged since start. */
  long chunksBroadcast() {
    return (long) chunks.count();
  }

  private void start(Pass pass, int listening) {
    started.increment();
    LOG.info("event=broadcast_started digest={} chunks={} listening={} chunks_per_second={}", pass.bundle.digest(),
        pass.bundle.chunkCount(), listening, limits.chunksPerSecond());
    long period = TimeUnit.SECONDS.toNanos(1) / limits.chunksPerSecond();
    try {
      ScheduledFuture<?> ticks = pacer.scheduleAtFixedRate(() -> tick(pass), 0, period, TimeUnit.NANOSECONDS);
      synchronized (this) {
        pass.ticks = ticks;
      }
    } catch (RejectedExecutionException closed) {
      synchronized (this) {
        passes.remove(pass.bundle.digest());
      }
    }
  }

  // On the pacer: one chunk per tick while the pass has room in flight.
  private void tick(Pass pass) {
    int index;
    synchronized (this) {
      if (pass.next >= pass.bundle.chunkCount() || pass.inFlight >= IN_FLIGHT) {
        return;
      }
      index = pass.next++;
      pass.inFlight++;
    }
    try {
      io.execute(() -> publish(pass, index));
    } catch (RejectedExecutionException closed) {
      left(pass, 0);
    }
  }

  private void publish(Pass pass, int index) {
    byte[] frame;
    try {
      frame = frames.frame(pass.bundle, index);
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=broadcast_read_failed digest={} index={} action=end_pass reason=\"{}\"", pass.bundle.digest(), index,
          e.getMessage());
      synchronized (this) {
        pass.next = pass.bundle.chunkCount(); // the bundle is gone or damaged: devices repair from what remains
      }
      left(pass, 0);
      return;
    }
    channel.broadcastChunk(pass.bundle.digest(), frame).whenComplete((v, e) -> left(pass, e == null ? frame.length : 0));
  }

  /** A chunk of the pass left flight: acknowledged (bytes > 0) or failed. The pass ends after its last one. */
  private void left(Pass pass, int sent) {
    if (sent > 0) {
      chunks.increment();
      bytes.increment(sent);
    } else {
      failed.increment();
    }
    synchronized (this) {
      pass.inFlight--;
      if (pass.next < pass.bundle.chunkCount() || pass.inFlight > 0 || passes.get(pass.bundle.digest()) != pass) {
        return;
      }
      passes.remove(pass.bundle.digest());
      if (pass.ticks != null) {
        pass.ticks.cancel(false);
      }
    }
    LOG.info("event=broadcast_finished digest={} chunks={}", pass.bundle.digest(), pass.bundle.chunkCount());
  }

  // Caller holds the lock. A closed window is forgotten once no listening request came for a whole window.
  private void forgetIdle(long now) {
    long window = limits.gather().toNanos();
    gathering.values().removeIf(g -> g.closed && now - g.lastRequest > window);
  }

  @Override
  public void close() {
    ThreadPools.shutdown(pacer, 1000);
  }
}
