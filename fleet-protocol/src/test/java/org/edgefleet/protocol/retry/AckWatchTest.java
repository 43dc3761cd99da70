package org.edgefleet.protocol.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AckWatchTest {

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final AckWatch watch = new AckWatch(Duration.ofMillis(100), timer);

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void anAnswerInTimeCompletesTheFuture() throws Exception {
    CompletableFuture<String> acked = new CompletableFuture<>();
    CompletableFuture<String> watched = watch.watch(acked, "chunk 3");
    acked.complete("ok");
    assertThat(watched.get(1, TimeUnit.SECONDS)).isEqualTo("ok");
    Thread.sleep(200);
    assertThat(watch.late()).isZero();
    assertThat(watch.overdue()).isZero();
  }

  @Test
  void aFailureIsPassedOn() {
    CompletableFuture<Void> acked = new CompletableFuture<>();
    CompletableFuture<Void> watched = watch.watch(acked, "chunk 3");
    acked.completeExceptionally(new IOException("connection lost"));
    assertThatThrownBy(() -> watched.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasRootCauseInstanceOf(IOException.class).hasRootCauseMessage("connection lost");
  }

  @Test
  void noAnswerFailsAfterTheDeadlineAndHoldsItsSlotUntilAnswered() throws Exception {
    CompletableFuture<Void> acked = new CompletableFuture<>();
    CompletableFuture<Void> watched = watch.watch(acked, "chunk 3 to dev-1");
    assertThatThrownBy(() -> watched.get(2, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class).hasMessageContaining("no acknowledgement of chunk 3 to dev-1 within 100 ms");
    assertThat(watch.late()).isEqualTo(1);
    assertThat(watch.overdue()).isEqualTo(1);

    // The connection that held it ends: its slot is free, the future stays failed.
    acked.completeExceptionally(new IOException("disconnected"));
    assertThat(watch.overdue()).isZero();
    assertThat(watch.late()).isEqualTo(1);
    assertThat(watched).isCompletedExceptionally();
  }

  @Test
  void aClosedTimerLeavesTheFutureUnwatched() {
    timer.shutdownNow();
    CompletableFuture<Void> acked = new CompletableFuture<>();
    assertThat(watch.watch(acked, "chunk 3")).isSameAs(acked);
  }
}
