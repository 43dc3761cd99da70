package org.edgefleet.server.transfer;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;

/**
 * What chunk serving may cost. A chunk request is a hundred bytes and can name 64 chunks, and the
 * broker acknowledges publications at once, so the in-flight bound alone does not bound how much
 * the server publishes for one device: these budgets do. Per device a token bucket on requests and
 * one on bytes, a server-wide token bucket on bytes, and a budget of bytes per repeat window for
 * chunks the device was already sent within the last one or two windows (a repair of a lost chunk
 * fits it; a device asking for the same bundle in a loop does not).
 *
 * <p>Budget state of a device outlives its connection, so reconnecting does not refill it; it is
 * forgotten after two idle windows. Not thread-safe: {@link TransferService} calls it under its lock.
 */
public final class ChunkBudget {

  /** Why a requested chunk was not served; the label of the refused-chunks counter. */
  enum Refusal {
    /** The device sent more requests than its request rate allows. */
    REQUEST_RATE,
    /** The device used its byte rate. */
    DEVICE_BYTES,
    /** The device was sent this chunk within the repeat window and used its repeat budget. */
    REPEAT_BYTES,
    /** The server used its byte rate over all devices. */
    TOTAL_BYTES;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The budgets; every value positive.
   *
   * @param requestsPerSecond chunk requests per device per second, also the burst
   * @param deviceBytesPerSecond bytes per device per second, also the burst
   * @param totalBytesPerSecond bytes over all devices per second, also the burst
   * @param repeatBytesPerWindow bytes per device per window for chunks it was sent recently
   * @param repeatWindowNanos how long a chunk sent counts as recently sent (between one and two windows)
   */
  public record Limits(long requestsPerSecond, long deviceBytesPerSecond, long totalBytesPerSecond, long repeatBytesPerWindow,
      long repeatWindowNanos) {
    /** The limits the server's settings give ({@code --chunk-*}). */
    public static Limits of(ServerConfig config) {
      return new Limits(config.get(Settings.CHUNK_REQUESTS_PER_DEVICE), config.get(Settings.CHUNK_BYTES_PER_DEVICE),
          config.get(Settings.CHUNK_BYTES_TOTAL), config.get(Settings.CHUNK_REPEAT_BYTES_PER_DEVICE),
          config.get(Settings.CHUNK_REPEAT_WINDOW).toNanos());
    }

    public Limits {
      if (requestsPerSecond < 1 || deviceBytesPerSecond < 1 || totalBytesPerSecond < 1 || repeatBytesPerWindow < 1
          || repeatWindowNanos < 1) {
        throw new IllegalArgumentException("chunk budgets must be positive");
      }
    }
  }

  private static final long SECOND = 1_000_000_000L;

  /** A token bucket whose burst is one second of its rate. */
  private static final class Bucket {
    private final long perSecond;
    private double tokens;
    private long lastNanos;

    Bucket(long perSecond, long now) {
      this.perSecond = perSecond;
      this.tokens = perSecond;
      this.lastNanos = now;
    }

    boolean take(long amount, long now) {
      tokens = Math.min(perSecond, tokens + (now - lastNanos) * (double) perSecond / SECOND);
      lastNanos = now;
      if (tokens < amount) {
        return false;
      }
      tokens -= amount;
      return true;
    }
  }

  private final class Device {
    final Bucket requests;
    final Bucket bytes;
    // Chunks sent in the current and in the previous repeat window, per bundle digest.
    Map<String, BitSet> current = new HashMap<>();
    Map<String, BitSet> previous = new HashMap<>();
    long windowStart;
    long repeatBytes;
    long lastActive;

    Device(long now) {
      requests = new Bucket(limits.requestsPerSecond(), now);
      bytes = new Bucket(limits.deviceBytesPerSecond(), now);
      windowStart = now;
    }

    void roll(long now) {
      long elapsed = now - windowStart;
      if (elapsed < limits.repeatWindowNanos()) {
        return;
      }
      previous = elapsed < 2 * limits.repeatWindowNanos() ? current : new HashMap<>();
      current = new HashMap<>();
      windowStart = now;
      repeatBytes = 0;
    }

    boolean sentRecently(String digest, int index) {
      BitSet c = current.get(digest);
      BitSet p = previous.get(digest);
      return (c != null && c.get(index)) || (p != null && p.get(index));
    }
  }

  private final Limits limits;
  private final LongSupplier nanoTime;
  private final Bucket total;
  private final Map<String, Device> devices = new HashMap<>();
  private long lastSweep;

  ChunkBudget(Limits limits, LongSupplier nanoTime) {
    this.limits = limits;
    this.nanoTime = nanoTime;
    long now = nanoTime.getAsLong();
    this.total = new Bucket(limits.totalBytesPerSecond(), now);
    this.lastSweep = now;
  }

  /** Takes one request from the device's request rate; false when it has none left. */
  boolean admitRequest(String deviceId) {
    long now = nanoTime.getAsLong();
    sweep(now);
    Device d = devices.computeIfAbsent(deviceId, id -> new Device(now));
    d.lastActive = now;
    return d.requests.take(1, now);
  }

  /**
   * Charges one chunk of {@code bytes} to the budgets and records it as sent; returns null when it
   * fits, else the first budget it does not fit (and charges nothing).
   */
  Refusal charge(String deviceId, String digest, int index, int bytes) {
    long now = nanoTime.getAsLong();
    Device d = devices.computeIfAbsent(deviceId, id -> new Device(now));
    d.lastActive = now;
    d.roll(now);
    boolean repeat = d.sentRecently(digest, index);
    if (repeat && d.repeatBytes + bytes > limits.repeatBytesPerWindow()) {
      return Refusal.REPEAT_BYTES;
    }
    if (!d.bytes.take(bytes, now)) {
      return Refusal.DEVICE_BYTES;
    }
    if (!total.take(bytes, now)) {
      d.bytes.tokens += bytes; // not sent: give the device its share back
      return Refusal.TOTAL_BYTES;
    }
    if (repeat) {
      d.repeatBytes += bytes;
    }
    d.current.computeIfAbsent(digest, k -> new BitSet()).set(index);
    return null;
  }

  /** Devices whose budget state is held. */
  int devices() {
    return devices.size();
  }

  // Forgets devices idle for two windows, at most once a window: their state would have rolled empty.
  private void sweep(long now) {
    if (now - lastSweep < limits.repeatWindowNanos()) {
      return;
    }
    lastSweep = now;
    for (Iterator<Device> it = devices.values().iterator(); it.hasNext();) {
      if (now - it.next().lastActive >= 2 * limits.repeatWindowNanos()) {
        it.remove();
      }
    }
  }
}
