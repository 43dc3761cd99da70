package org.edgefleet.agent.update;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.edgefleet.protocol.message.ModelAssignment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assignments of the working revision that failed for the sake of the device's storage
 * (DISK_FULL, IO_ERROR): such a failure is not for good, so the assignment is tried again after a
 * backoff. After DISK_FULL the partial download is deleted first, so that the space returns and
 * the failure can be reported at all.
 *
 * <p>Not thread-safe: runs on the agent loop.
 */
final class StorageRetries {

  private static final Logger log = LoggerFactory.getLogger(StorageRetries.class);

  private final String deviceId;
  private final Path dataDir;
  private final SlotStore slots;
  private final ChunkStore chunks;
  private final UpdateSettings settings;
  private final List<ModelAssignment> pending = new ArrayList<>();
  private int attempt;
  private long dueAtNanos;

  StorageRetries(String deviceId, Path dataDir, SlotStore slots, ChunkStore chunks, UpdateSettings settings) {
    this.deviceId = deviceId;
    this.dataDir = dataDir;
    this.slots = slots;
    this.chunks = chunks;
    this.settings = settings;
  }

  /**
   * Schedules {@code a}, which failed with the transient {@code f}, to be tried again; returns what
   * the failure report should add to its details (the space freed, when the retry comes).
   */
  String retryLater(ModelAssignment a, UpdateFailure f) {
    String details = "";
    if (UpdateFailure.DISK_FULL.equals(f.reason())) {
      releaseSpace();
      details += "; partial download deleted, " + settings.usableSpace().bytes(dataDir) + " bytes usable now, about "
          + DiskSpace.needed(a.bundle(), 0) + " needed";
    }
    long delay = settings.retryBackoff().delayMillis(attempt++, ThreadLocalRandom.current().nextDouble());
    dueAtNanos = System.nanoTime() + delay * 1_000_000;
    pending.add(a);
    return details + "; retried in " + delay + " ms";
  }

  /** Whether assignments wait for a retry: the revision is not applied until they succeed. */
  boolean any() {
    return !pending.isEmpty();
  }

  /** The assignments whose backoff has passed, taken out to be worked on again; empty before. */
  List<ModelAssignment> takeDue(long revision) {
    if (pending.isEmpty() || System.nanoTime() - dueAtNanos < 0) {
      return List.of();
    }
    log.info("event=update_retried device={} revision={} attempt={} models={}", deviceId, revision, attempt,
        String.join(",", pending.stream().map(a -> a.name() + ":" + a.version()).collect(Collectors.toList())));
    List<ModelAssignment> due = List.copyOf(pending);
    pending.clear();
    return due;
  }

  /** A new revision, a freeze or a finished revision: nothing waits, and the backoff starts over. */
  void clear() {
    pending.clear();
    attempt = 0;
  }

  /** Deletes what a failed download left: its scratch file, bundle files no installed slot holds, scratch slots. */
  private void releaseSpace() {
    try {
      int deleted = chunks.retainOnly(SlotStore.digests(slots.heldBundles()));
      slots.cleanLeftovers();
      log.info("event=partial_download_deleted cause=disk_full device={} files={} usable={}", deviceId, deleted,
          settings.usableSpace().bytes(dataDir));
    } catch (IOException e) {
      log.warn("event=partial_download_delete_failed device={} reason=\"{}\"", deviceId, e.getMessage());
    }
  }
}
