package org.edgefleet.agent.update;

import java.io.IOException;
import java.nio.file.Path;
import org.edgefleet.agent.UsableSpace;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DeviceEvent.Execution;

/**
 * How much room an update needs and whether a write failed because the disk is full. A download
 * holds the bundle in its scratch file and, once extracted, its files once more, so it needs about
 * twice the bundle's size, less what an earlier attempt wrote into the scratch file, plus a margin
 * for what else the agent writes meanwhile (outbox, state files).
 */
final class DiskSpace {

  /** Room left beside an update for the outbox and the state files. */
  static final long MARGIN_BYTES = 256 * 1024;
  private static final String ENOSPC = "No space left on device";

  private DiskSpace() {}

  /** The room a download and install of {@code ref} takes, of which {@code writtenBytes} are already on disk. */
  static long needed(BundleRef ref, long writtenBytes) {
    return Math.max(0, ref.size() - writtenBytes) + ref.size() + MARGIN_BYTES;
  }

  /** Fails at once, with DISK_FULL, when the disk cannot hold the download and install of {@code ref}. */
  static void check(BundleRef ref, ChunkStore chunks, Path dataDir, UsableSpace space) throws UpdateFailure {
    long written;
    try {
      written = chunks.writtenBytes(ref);
    } catch (IOException e) {
      written = 0; // an unreadable scratch file is started again
    }
    long needed = needed(ref, written);
    long usable = space.bytes(dataDir);
    if (usable >= 0 && usable < needed) {
      throw new UpdateFailure(Execution.DOWNLOAD, UpdateFailure.DISK_FULL, "bundle of " + ref.size()
          + " bytes needs about " + needed + " bytes free (scratch file, extracted files, margin), "
          + usable + " usable in " + dataDir);
    }
  }

  /**
   * Whether {@code e} (or a cause) is the operating system's "no space left" (ENOSPC: Linux and
   * Android name it so), or the disk has less than the margin left.
   */
  static boolean isFull(Throwable e, Path dir, UsableSpace space) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains(ENOSPC)) {
        return true;
      }
    }
    long usable = space.bytes(dir);
    return usable >= 0 && usable < MARGIN_BYTES;
  }
}
