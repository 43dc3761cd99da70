package org.edgefleet.server.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.edgefleet.server.transfer.ChunkBudget.Refusal;
import org.junit.jupiter.api.Test;

/** The budget arithmetic on a clock the test moves. */
class ChunkBudgetTest {

  private static final String DIGEST = "ab".repeat(32);
  private static final long WINDOW = TimeUnit.SECONDS.toNanos(60);
  private final AtomicLong now = new AtomicLong(1_000);

  private ChunkBudget budget(long requests, long deviceBytes, long totalBytes, long repeatBytes) {
    return new ChunkBudget(new ChunkBudget.Limits(requests, deviceBytes, totalBytes, repeatBytes, WINDOW), now::get);
  }

  @Test
  void requestsBeyondTheRateAreRefusedUntilTheBucketRefills() {
    ChunkBudget b = budget(10, 1 << 20, 1 << 20, 1 << 20);
    for (int i = 0; i < 10; i++) {
      assertThat(b.admitRequest("d")).isTrue();
    }
    assertThat(b.admitRequest("d")).isFalse();
    assertThat(b.admitRequest("other")).isTrue();
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(b.admitRequest("d")).isTrue();
    assertThat(b.admitRequest("d")).isFalse();
  }

  @Test
  void aChunkSentRecentlyIsSentAgainOnlyWithinTheRepeatBudget() {
    ChunkBudget b = budget(100, 1 << 20, 1 << 20, 2 * 1000);
    for (int i = 0; i < 10; i++) {
      assertThat(b.charge("d", DIGEST, i, 1000)).isNull(); // first sends are not repeats
    }
    assertThat(b.charge("d", DIGEST, 3, 1000)).isNull();
    assertThat(b.charge("d", DIGEST, 4, 1000)).isNull();
    assertThat(b.charge("d", DIGEST, 5, 1000)).isEqualTo(Refusal.REPEAT_BYTES);
    assertThat(b.charge("d", DIGEST, 10, 1000)).isNull(); // never sent: not a repeat
    assertThat(b.charge("other", DIGEST, 5, 1000)).isNull();

    // One window later the chunk still counts as recent, but the budget is new.
    now.addAndGet(WINDOW);
    assertThat(b.charge("d", DIGEST, 5, 1000)).isNull();
    assertThat(b.charge("d", DIGEST, 6, 1000)).isNull();
    assertThat(b.charge("d", DIGEST, 7, 1000)).isEqualTo(Refusal.REPEAT_BYTES);
    // Two idle windows later nothing is recent any more.
    now.addAndGet(2 * WINDOW);
    for (int i = 0; i < 10; i++) {
      assertThat(b.charge("d", DIGEST, i, 1000)).isNull();
    }
  }

  @Test
  void deviceAndTotalByteRatesBoundWhatIsSent() {
    ChunkBudget b = budget(100, 3000, 5000, 1 << 20);
    assertThat(b.charge("a", DIGEST, 0, 1000)).isNull();
    assertThat(b.charge("a", DIGEST, 1, 1000)).isNull();
    assertThat(b.charge("a", DIGEST, 2, 1000)).isNull();
    assertThat(b.charge("a", DIGEST, 3, 1000)).isEqualTo(Refusal.DEVICE_BYTES);
    assertThat(b.charge("b", DIGEST, 0, 1000)).isNull();
    assertThat(b.charge("b", DIGEST, 1, 1000)).isNull();
    assertThat(b.charge("c", DIGEST, 0, 1000)).isEqualTo(Refusal.TOTAL_BYTES);
    // The device refused by the total keeps its own share for later.
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    for (int i = 0; i < 3; i++) {
      assertThat(b.charge("c", DIGEST, i, 1000)).isNull();
    }
  }

  @Test
  void idleDevicesAreForgotten() {
    ChunkBudget b = budget(100, 1 << 20, 1 << 20, 1 << 20);
    b.admitRequest("a");
    b.charge("a", DIGEST, 0, 1000);
    now.addAndGet(3 * WINDOW);
    b.admitRequest("b");
    assertThat(b.devices()).isEqualTo(1);
  }
}
