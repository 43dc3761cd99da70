package org.edgefleet.agent.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.edgefleet.agent.outbox.OutboxEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteOutboxTest {

  @TempDir Path dir;

  @Test
  void messagesSequencesAndDropsSurviveReopening() throws Exception {
    Path file = dir.resolve("outbox.db");
    try (SqliteOutbox outbox = SqliteOutbox.open(file, 100, true)) {
      assertThat(outbox.append("events", "t/events", seq -> bytes("e" + seq))).isEqualTo(1);
      assertThat(outbox.append("telemetry", "t/telemetry", seq -> bytes("t" + seq))).isEqualTo(1);
      assertThat(outbox.append("events", "t/events", seq -> bytes("e" + seq))).isEqualTo(2);
      outbox.remove(outbox.oldest(1).get(0).id());
    }
    try (SqliteOutbox outbox = SqliteOutbox.open(file, 100, false)) {
      List<OutboxEntry> left = outbox.oldest(10);
      assertThat(left).extracting(e -> new String(e.payload(), StandardCharsets.UTF_8)).containsExactly("t1", "e2");
      assertThat(left).extracting(OutboxEntry::topic).containsExactly("t/telemetry", "t/events");
      assertThat(outbox.size()).isEqualTo(2);
      assertThat(outbox.append("events", "t/events", seq -> bytes("e" + seq))).isEqualTo(3);
    }
  }

  @Test
  void fullOutboxDropsTheOldestAndCountsThemAcrossReopening() throws Exception {
    Path file = dir.resolve("outbox.db");
    try (SqliteOutbox outbox = SqliteOutbox.open(file, 3, true)) {
      for (int i = 0; i < 5; i++) {
        outbox.append("telemetry", "t", seq -> bytes("m" + seq));
      }
      assertThat(outbox.size()).isEqualTo(3);
      assertThat(outbox.dropped()).isEqualTo(2);
      assertThat(outbox.oldest(10)).extracting(OutboxEntry::seq).containsExactly(3L, 4L, 5L);
    }
    try (SqliteOutbox outbox = SqliteOutbox.open(file, 3, true)) {
      assertThat(outbox.dropped()).isEqualTo(2);
      outbox.append("telemetry", "t", seq -> bytes("m" + seq));
      assertThat(outbox.dropped()).isEqualTo(3);
      assertThat(outbox.oldest(10)).extracting(OutboxEntry::seq).containsExactly(4L, 5L, 6L);
    }
  }

  @Test
  void removingAnUnknownIdChangesNothing() throws Exception {
    try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("o.db"), 10, true)) {
      outbox.append("events", "t", seq -> bytes("x"));
      outbox.remove(999);
      assertThat(outbox.size()).isEqualTo(1);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
