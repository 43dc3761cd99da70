package org.edgefleet.agent.update;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of refused input, read by the agent's stats and telemetry from any thread. */
public final class UpdateCounters {

  private final AtomicLong corruptChunks = new AtomicLong();
  private final AtomicLong rejectedMessages = new AtomicLong();

  public long corruptChunks() {
    return corruptChunks.get();
  }

  public long rejectedMessages() {
    return rejectedMessages.get();
  }

  void corruptChunk() {
    corruptChunks.incrementAndGet();
  }

  void rejectedMessage() {
    rejectedMessages.incrementAndGet();
  }
}
