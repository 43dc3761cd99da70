package org.edgefleet.agent.localapi;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** What the endpoint itself did, for {@code GET /v1/metrics}: responses by status, connections. */
final class LocalApiCounters {

  private final Map<Integer, LongAdder> responses = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder timedOut = new LongAdder();

  void response(int status) {
    responses.computeIfAbsent(status, s -> new LongAdder()).increment();
  }

  void opened() {
    accepted.increment();
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }

  void refused() {
    refused.increment();
  }

  void timedOut() {
    timedOut.increment();
  }

  Map<Integer, Long> responses() {
    Map<Integer, Long> out = new TreeMap<>();
    responses.forEach((status, n) -> out.put(status, n.sum()));
    return out;
  }

  int open() {
    return open.get();
  }

  long accepted() {
    return accepted.sum();
  }

  long refusedConnections() {
    return refused.sum();
  }

  long timeouts() {
    return timedOut.sum();
  }
}
