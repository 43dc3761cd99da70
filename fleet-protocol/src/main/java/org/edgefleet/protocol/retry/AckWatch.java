package org.edgefleet.protocol.retry;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deadline on acknowledgements. MQTT 3.1.1 re-sends an unacknowledged QoS 1 publish only on a
 * new connection, and a broker under load may drop one without ever answering (Moquette 0.17 does
 * when a session loop's queue is full), so waiting for the PUBACK could take forever and the
 * publish's in-flight slot would stay taken. A watched future fails with a
 * {@link TimeoutException} after the deadline; the slots such late publishes still hold are
 * counted ({@link #overdue()}), so the owner can renew a connection that has lost too many.
 */
public final class AckWatch {

  private static final int PENDING = 0;
  private static final int ANSWERED = 1;
  private static final int LATE = 2;

  private final Duration deadline;
  private final ScheduledExecutorService timer;
  private final AtomicInteger overdue = new AtomicInteger();
  private final AtomicLong late = new AtomicLong();

  public AckWatch(Duration deadline, ScheduledExecutorService timer) {
    if (deadline == null || deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("an acknowledgement deadline must be positive, got " + deadline);
    }
    this.deadline = deadline;
    this.timer = timer;
  }

  /**
   * A future that completes as {@code acked} does, or fails with a {@link TimeoutException} when
   * {@code acked} has not completed within the deadline; {@code what} names it in that error.
   */
  public <T> CompletableFuture<T> watch(CompletableFuture<T> acked, String what) {
    CompletableFuture<T> out = new CompletableFuture<>();
    AtomicInteger state = new AtomicInteger(PENDING);
    ScheduledFuture<?> alarm;
    try {
      alarm = timer.schedule(() -> {
        if (state.compareAndSet(PENDING, LATE)) {
          overdue.incrementAndGet();
          late.incrementAndGet();
          out.completeExceptionally(new TimeoutException("no acknowledgement of " + what + " within " + deadline.toMillis() + " ms"));
        }
      }, deadline.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      return acked; // the owner is closing: its connection ends every pending publish anyway
    }
    acked.whenComplete((value, error) -> {
      if (state.compareAndSet(PENDING, ANSWERED)) {
        alarm.cancel(false);
        if (error == null) {
          out.complete(value);
        } else {
          out.completeExceptionally(error);
        }
      } else {
        overdue.decrementAndGet(); // its slot is free at last: answered, or failed with its connection
      }
    });
    return out;
  }

  /** Watched publishes past their deadline that have still not been answered. */
  public int overdue() {
    return overdue.get();
  }

  /** Watched publishes that missed their deadline, since this watch was made. */
  public long late() {
    return late.get();
  }
}
