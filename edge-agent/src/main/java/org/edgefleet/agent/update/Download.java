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
 */
final class Download {

  /** Sends a request for chunks of a bundle. */
  interface Requester {
    void request(BundleRef bundle, List<Integer> chunks);
  }

  /** What became of a received chunk. */
  enum Outcome { STORED, ALREADY_HELD, CORRUPT, OUT_OF_RANGE }

  private final BundleRef ref;
  private final ChunkStore store;
  private final Requester requester;
  private final int window;
  private final long timeoutNanos;
  private final LongSupplier nanoTime;
  private final TreeSet<Integer> wanted = new TreeSet<>();
  private final Map<Integer, Long> inFlight = new LinkedHashMap<>();
  private int fetched;
  private int reused;

  Download(BundleRef ref, ChunkStore store, Requester requester, int window, long timeoutNanos, LongSupplier nanoTime) {
    this.ref = ref;
    this.store = store;
    this.requester = requester;
    this.window = window;
    this.timeoutNanos = timeoutNanos;
    this.nanoTime = nanoTime;
  }

  BundleRef ref() {
    return ref;
  }

  void start() {
    for (int i = 0; i < ref.chunkCount(); i++) {
      if (store.has(ref.chunkHashes().get(i))) {
        reused++;
      } else {
        wanted.add(i);
      }
    }
    pump();
  }

  /** Chunks the assembly found damaged on disk: fetch them again. */
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
    if (!store.has(hash)) {
      store.put(hash, data);
      fetched++;
      outcome = Outcome.STORED;
    }
    inFlight.remove(index);
    wanted.remove(index);
    pump();
    return outcome;
  }

  /** Requests again what has waited longer than the timeout. */
  void expire() {
    long now = nanoTime.getAsLong();
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
    List<Integer> batch = new ArrayList<>();
    long now = nanoTime.getAsLong();
    while (inFlight.size() < window && !wanted.isEmpty()) {
      int i = wanted.pollFirst();
      if (store.has(ref.chunkHashes().get(i))) {
        continue; // another index with the same content arrived meanwhile
      }
      inFlight.put(i, now);
      batch.add(i);
      if (batch.size() == ChunkRequest.MAX_CHUNKS) {
        requester.request(ref, batch);
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      requester.request(ref, batch);
    }
  }
}
