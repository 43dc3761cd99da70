package org.edgefleet.agent.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.edgefleet.agent.outbox.Outbox;
import org.edgefleet.agent.outbox.OutboxEntry;
import org.edgefleet.agent.testkit.SmallDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox on a disk that fills up: it keeps accepting messages, stores them once there is room
 * again without being reopened, loses nothing it handed out (or counts it), and spends its reserve
 * on events. Two ways to fill it: SQLite's own page limit (SQLITE_FULL, any user), and a real
 * 3 MB tmpfs (root only; skipped otherwise).
 */
class SqliteOutboxDiskFullTest {

  private static final int PAYLOAD = 8 * 1024;
  private static final int EXTRA = 10;

  @TempDir Path dir;

  @Test
  void databaseAtItsSizeLimitHealsWithoutReopening() throws Exception {
    try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("outbox.db"), 1000, true, 0)) {
      for (int i = 0; i < 3; i++) {
        outbox.append("telemetry", "t", seq -> payload(seq));
      }
      outbox.limitPages(outbox.pageCount());
      for (int i = 0; i < 5; i++) {
        outbox.append("telemetry", "t", seq -> payload(seq));
      }
      assertThat(outbox.unsaved()).isEqualTo(5);
      assertThat(outbox.oldest(100)).extracting(OutboxEntry::seq).containsExactly(1L, 2L, 3L);
      outbox.remove(outbox.oldest(1).get(0).id()); // a delete fits: it frees pages
      outbox.limitPages(0);
      outbox.append("telemetry", "t", seq -> payload(seq));
      assertThat(outbox.unsaved()).isZero();
      assertThat(outbox.oldest(100)).extracting(OutboxEntry::seq).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
      assertThat(outbox.dropped()).isZero();
    }
    try (SqliteOutbox reopened = SqliteOutbox.open(dir.resolve("outbox.db"), 1000, true, 0)) {
      assertThat(reopened.append("telemetry", "t", seq -> payload(seq))).isEqualTo(10);
    }
  }

  @Test
  void fullDiskThenFreedSpaceLosesNothingAndNeedsNoRestart() throws Exception {
    try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), "3m")) {
      Path file = disk.dir().resolve("outbox.db");
      List<Long> handedOut = new ArrayList<>();
      try (SqliteOutbox outbox = SqliteOutbox.open(file, 10_000, true)) {
        assertThat(Files.size(disk.dir().resolve("outbox.db" + SqliteOutbox.RESERVE_SUFFIX)))
            .isEqualTo(SqliteOutboxReserve.DEFAULT_BYTES);
        handedOut.add(outbox.append("telemetry", "t", seq -> payload(seq)));
        disk.fill(0);
        for (int i = 0; i < 20; i++) {
          handedOut.add(outbox.append("telemetry", "t", seq -> payload(seq)));
        }
        assertThat(outbox.unsaved()).isPositive();

        // An event finds the reserve: stored (so it can be sent) although the disk is full.
        long event = outbox.append(Outbox.PRIORITY_STREAM, "e", seq -> payload(seq));
        assertThat(outbox.oldest(100)).anyMatch(e -> e.stream().equals(Outbox.PRIORITY_STREAM) && e.seq() == event);
        assertThat(disk.dir().resolve("outbox.db" + SqliteOutbox.RESERVE_SUFFIX)).doesNotExist();

        disk.free();
        handedOut.add(outbox.append("telemetry", "t", seq -> payload(seq)));
        assertThat(outbox.unsaved()).isZero();
        assertThat(outbox.dropped()).isZero();
        assertThat(telemetrySeqs(outbox)).containsExactlyElementsOf(handedOut);
        assertThat(handedOut).containsExactlyElementsOf(LongStream.rangeClosed(1, 22).boxed().toList());
        assertThat(disk.dir().resolve("outbox.db" + SqliteOutbox.RESERVE_SUFFIX)).exists();
      }
    }
  }

  @Test
  void messagesBeyondTheMemoryBoundAreCountedAsDroppedAndTheCountPersists() throws Exception {
    try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), "3m")) {
      Path file = disk.dir().resolve("outbox.db");
      try (SqliteOutbox outbox = SqliteOutbox.open(file, 10_000, true, 0)) {
        disk.fill(0);
        for (int i = 0; i < SqliteOutbox.PENDING_MESSAGES + EXTRA; i++) {
          outbox.append("telemetry", "t", seq -> new byte[16]);
        }
        assertThat(outbox.unsaved()).isLessThanOrEqualTo(SqliteOutbox.PENDING_MESSAGES);
        assertThat(outbox.dropped()).isGreaterThanOrEqualTo(EXTRA);
        disk.free();
        outbox.append("telemetry", "t", seq -> new byte[16]);
        assertThat(outbox.unsaved()).isZero();
        assertThat(outbox.size() + outbox.dropped()).isEqualTo(SqliteOutbox.PENDING_MESSAGES + EXTRA + 1);
      }
      try (SqliteOutbox reopened = SqliteOutbox.open(file, 10_000, true, 0)) {
        assertThat(reopened.dropped()).isGreaterThanOrEqualTo(EXTRA);
        assertThat(reopened.size() + reopened.dropped()).isEqualTo(SqliteOutbox.PENDING_MESSAGES + EXTRA + 1);
      }
    }
  }

  @Test
  void opensOnAFullDiskAndStoresOnceThereIsRoom() throws Exception {
    try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), "3m")) {
      Path file = disk.dir().resolve("outbox.db");
      try (SqliteOutbox outbox = SqliteOutbox.open(file, 10_000, true)) {
        outbox.append("telemetry", "t", seq -> payload(seq));
      }
      disk.fill(0);
      try (SqliteOutbox outbox = SqliteOutbox.open(file, 10_000, true)) {
        assertThat(outbox.oldest(10)).extracting(OutboxEntry::seq).containsExactly(1L);
        long event = outbox.append(Outbox.PRIORITY_STREAM, "e", seq -> payload(seq));
        assertThat(outbox.oldest(10)).extracting(OutboxEntry::seq).contains(event);
        disk.free();
        assertThat(outbox.append("telemetry", "t", seq -> payload(seq))).isEqualTo(2);
        assertThat(outbox.unsaved()).isZero();
      }
    }
  }

  private static List<Long> telemetrySeqs(SqliteOutbox outbox) throws Exception {
    return outbox.oldest(1000).stream().filter(e -> e.stream().equals("telemetry")).map(OutboxEntry::seq).toList();
  }

  private static byte[] payload(long seq) {
    byte[] b = new byte[PAYLOAD];
    b[0] = (byte) seq;
    return b;
  }
}
