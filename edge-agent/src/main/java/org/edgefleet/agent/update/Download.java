package org.edgefleet.agent.update;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.transfer.ChunkRequest;
import org.edgefleet.protocol.trust.Sha256;

/**
 * Fetches the chunks of one bundle the store lacks, with at most {@code window} requested and
 * unanswered at a time. A request unanswered after the timeout (the broker may have restarted
 * and lost it) is sent again; so is every outstanding request after a reconnect. Not thread-safe:
 * runs on the agent loop.
 *
 * <p>With a broadcast ({@link #awaitBroadcast}, then {@link #listening}): requests say the device
 * listens until the first broadcast chunk comes. From then on the download <i>follows</i> the
 * broadcast, which sends the chunks in order: it asks per device only for chunks below the highest
 * index broadcast so far (the broadcast passed them, so they were missed), and when no broadcast
 * chunk came for the timeout (it ended or stalled) it asks per device for all it still lacks.
 */
final class Download {

  /** Sends a request for chunks of a bundle. */
  interface Requester {
    void request(BundleRef bundle, List<Integer> chunks, boolean listening);
  }

  /** What became of a received chunk. */
  enum Outcome { STORED, ALREADY_HELD, CORRUPT, OUT_OF_RANGE }

  private final BundleRef ref;
  private final ScratchBundle scratch;
  private final Requester requester;
  private final int window;
  private final long timeoutNanos;
  private final LongSupplier nanoTime;
  private final TreeSet<Integer> wanted = new TreeSet<>();
  private final Map<Integer, Long> inFlight = new LinkedHashMap<>();
  private int fetched;
  private int reused;
  private boolean holding;
  private long holdingSince;
  private boolean listening;
  private boolean fedByBroadcast;
  private boolean following;
  private int broadcastPassed = -1;
  private long lastBroadcastNanos;

  Download(ScratchBundle scratch, Requester requester, int window, long timeoutNanos, LongSupplier nanoTime) {
    this.ref = scratch.ref();
    this.scratch = scratch;
    this.requester = requester;
    this.window = window;
    this.timeoutNanos = timeoutNanos;
    this.nanoTime = nanoTime;
  }

  BundleRef ref() {
    return ref;
  }

  /** Where the chunks go: the bundle file verified and extracted once complete. */
  ScratchBundle scratch() {
    return scratch;
  }

  void start() {
    for (int i = 0; i < ref.chunkCount(); i++) {
      if (scratch.has(i)) {
        reused++;
      } else {
        wanted.add(i);
      }
    }
    pump();
  }

  /**
   * Asks for nothing until {@link #listening} or {@link #broadcastRefused} (or the timeout): so a
   * device's first request already says it listens, and a running broadcast is not sent twice.
   */
  void awaitBroadcast() {
    holding = true;
    holdingSince = nanoTime.getAsLong();
  }

  /** Subscribed to the bundle's broadcast topic. */
  void listening() {
    listening = !fedByBroadcast;
    holding = false;
    pump();
  }

  /** No broadcast topic for this download (refused, or the transport has none): per device only. */
  void broadcastRefused() {
    listening = false;
    holding = false;
    pump();
  }

  /** The subscription is gone with the connection; {@link #listening} again once it is renewed. */
  void subscriptionLost() {
    listening = false;
  }

  /** A chunk from the bundle's broadcast: follow it. */
  Outcome acceptBroadcast(int index, byte[] data) throws IOException {
    if (index >= ref.chunkCount()) {
      return Outcome.OUT_OF_RANGE;
    }
    fedByBroadcast = true;
    listening = false;
    following = true;
    holding = false;
    lastBroadcastNanos = nanoTime.getAsLong();
    broadcastPassed = Math.max(broadcastPassed, index);
    // Asked per device and still to come by the broadcast: wait for the broadcast instead.
    inFlight.keySet().removeIf(i -> i > broadcastPassed && wanted.add(i));
    return accept(index, data);
  }

  /** Chunks found damaged on disk after the bundle failed to verify: fetch them again. */
  void refetch(List<Integer> chunks) {
    wanted.addAll(chunks);
    pump();
  }

  boolean isComplete() {
    return wanted.isEmpty() && inFlight.isEmpty();
  }

  Outcome accept(int index, byte[] data) throws IOException {
    if (index >= ref.chunkCount()) {
      return Outcome.OUT_OF_RANGE;
    }
    String hash = ref.chunkHashes().get(index);
    if (data.length != ref.chunkLength(index) || !Sha256.hex(data).equals(hash)) {
      inFlight.remove(index);
      wanted.add(index);
      pump();
      return Outcome.CORRUPT;
    }
    Outcome outcome = Outcome.ALREADY_HELD;
    if (!scratch.has(index)) {
      scratch.put(index, data);
      fetched++;
      outcome = Outcome.STORED;
    }
    inFlight.remove(index);
    wanted.remove(index);
    pump();
    return outcome;
  }

  /** Requests again what has waited longer than the timeout; stops following a broadcast that went quiet. */
  void expire() {
    long now = nanoTime.getAsLong();
    if (following && now - lastBroadcastNanos >= timeoutNanos) {
      following = false; // the broadcast ended or stalled: the rest per device
    }
    if (holding && now - holdingSince >= timeoutNanos) {
      holding = false; // no answer to the subscription: do not wait for it
    }
    Iterator<Map.Entry<Integer, Long>> it = inFlight.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Integer, Long> e = it.next();
      if (now - e.getValue() >= timeoutNanos) {
        wanted.add(e.getKey());
        it.remove();
      }
    }
    pump();
  }

  /**
   * After a reconnect, requests made before it can no longer be trusted to be answered: make
   * them again. Requests made on the new connection stand.
   */
  void resendRequestedBefore(long connectedAtNanos) {
    Iterator<Map.Entry<Integer, Long>> it = inFlight.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Integer, Long> e = it.next();
      if (e.getValue() - connectedAtNanos < 0) {
        wanted.add(e.getKey());
        it.remove();
      }
    }
    pump();
  }

  String progress() {
    return fetched + " chunks fetched, " + reused + " already held, of " + ref.chunkCount();
  }

  private void pump() {
    if (holding) {
      return;
    }
    List<Integer> batch = new ArrayList<>();
    long now = nanoTime.getAsLong();
    while (inFlight.size() < window && !wanted.isEmpty() && (!following || wanted.first() < broadcastPassed)) {
      int i = wanted.pollFirst();
      if (scratch.has(i)) {
        continue; // another index with the same content arrived meanwhile
      }
      inFlight.put(i, now);
      batch.add(i);
      if (batch.size() == ChunkRequest.MAX_CHUNKS) {
        requester.request(ref, batch, listening);
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      requester.request(ref, batch, listening);
    }
  }
}
