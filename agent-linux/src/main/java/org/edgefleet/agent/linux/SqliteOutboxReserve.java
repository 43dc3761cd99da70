package org.edgefleet.agent.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file of real (written, not sparse) bytes beside the outbox that holds disk space for the
 * messages that matter most. When the disk is full and such a message cannot be stored, the file
 * is deleted and the space it frees takes the message. It is made again once the disk has room for
 * it twice over, so it is there for the next time.
 *
 * <p>Why a file and not SQLite settings: SQLite has no preallocation that survives WAL mode (every
 * commit appends to the WAL, which needs new blocks whatever free pages the database holds), and a
 * file works the same on ext4, f2fs, tmpfs and Android's storage.
 */
final class SqliteOutboxReserve {

  /**
   * A failure event is under 1 KiB, but a WAL commit appends whole pages (the row, the index and
   * the counters: about 16 KiB with the frame headers) and the agent's state file takes a block:
   * 256 KiB holds a dozen failure events and stays under a tenth of even a 3 MB partition.
   */
  static final long DEFAULT_BYTES = 256 * 1024;

  private static final Logger log = LoggerFactory.getLogger(SqliteOutboxReserve.class);
  private static final int BLOCK = 64 * 1024;

  private final Path file;
  private final long bytes;

  SqliteOutboxReserve(Path file, long bytes) {
    this.file = file;
    this.bytes = bytes;
  }

  boolean isHeld() {
    return Files.isRegularFile(file);
  }

  /** Frees the reserved space; returns whether there was any to free. */
  boolean release() {
    try {
      boolean freed = Files.deleteIfExists(file);
      if (freed) {
        log.warn("event=outbox_reserve_released cause=disk_full file={} bytes={}", file, bytes);
      }
      return freed;
    } catch (IOException e) {
      log.error("event=outbox_reserve_release_failed file={} reason=\"{}\"", file, e.getMessage());
      return false;
    }
  }

  /** Makes the reserve when it is missing and the disk has room for it twice over. */
  void restore() {
    if (isHeld()) {
      return;
    }
    try {
      if (Files.getFileStore(file.toAbsolutePath().getParent()).getUsableSpace() < 2 * bytes) {
        return;
      }
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer zeros = ByteBuffer.allocate(BLOCK);
        for (long written = 0; written < bytes; ) {
          zeros.clear().limit((int) Math.min(BLOCK, bytes - written));
          written += ch.write(zeros);
        }
        ch.force(true);
      } catch (IOException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      log.info("event=outbox_reserve_ready file={} bytes={}", file, bytes);
    } catch (IOException e) {
      log.debug("event=outbox_reserve_not_made file={} reason=\"{}\"", file, e.getMessage());
    }
  }
}
