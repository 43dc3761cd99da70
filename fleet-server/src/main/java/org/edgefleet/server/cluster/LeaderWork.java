package org.edgefleet.server.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic work that only one server instance runs at a time: the holder of one {@link Lease}.
 * It renews the lease three times per lease duration; each task registered with {@link #every}
 * runs on its interval while the lease is held, never twice at once, and not at all on the other
 * instances. When an instance takes the lease (at start, or over from one that stopped), every task
 * runs at once, so work the previous holder left half done is picked up without waiting an interval.
 *
 * <p>Work that acts on what it read (a state transition) calls {@link Lease#checkHeld} in its
 * transaction before it writes, so a holder that stalled past its expiry cannot write over the
 * new holder's work.
 */
public final class LeaderWork implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderWork.class);

  private record Task(String name, Supplier<CompletableFuture<?>> work, AtomicBoolean running) {}

  private final Lease lease;
  private final ScheduledExecutorService timer;
  private final List<Task> tasks = new CopyOnWriteArrayList<>();
  private final AtomicBoolean renewing = new AtomicBoolean();
  private volatile boolean wasHeld;
  private volatile boolean closed;

  public LeaderWork(Lease lease, ScheduledExecutorService timer) {
    this.lease = lease;
    this.timer = timer;
  }

  /** Starts renewing the lease. */
  public void start() {
    long renewMillis = Math.max(100, lease.duration().toMillis() / 3);
    timer.scheduleWithFixedDelay(this::renew, 0, renewMillis, TimeUnit.MILLISECONDS);
  }

  /** The lease, for the fencing check in the tasks' transactions. */
  public Lease lease() {
    return lease;
  }

  /** Whether this instance runs the periodic work now. */
  public boolean leading() {
    return !closed && lease.held();
  }

  /** Runs the work every interval while this instance holds the lease; the work returns when it is done. */
  public void every(String name, Duration interval, Supplier<CompletableFuture<?>> work) {
    Task t = new Task(name, work, new AtomicBoolean());
    tasks.add(t);
    timer.scheduleWithFixedDelay(() -> run(t), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void renew() {
    if (closed || !renewing.compareAndSet(false, true)) {
      return;
    }
    lease.renew().whenComplete((held, e) -> {
      renewing.set(false);
      boolean now = Boolean.TRUE.equals(held);
      if (now != wasHeld) {
        wasHeld = now;
        LOG.info("event={} lease={} holder={} epoch={}", now ? "lease_taken" : "lease_lost", lease.name(), lease.holder(),
            lease.epoch());
        if (now) {
          tasks.forEach(this::run);
        }
      }
    });
  }

  private void run(Task t) {
    if (!leading() || !t.running().compareAndSet(false, true)) {
      return;
    }
    CompletableFuture<?> done;
    try {
      done = t.work().get();
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    done.whenComplete((v, e) -> {
      t.running().set(false);
      if (e != null) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        LOG.warn("event=leader_task_failed task={} reason=\"{}\"", t.name(), cause.toString());
      }
    });
  }

  /** Stops the work and gives the lease up, so another instance takes over at once. */
  @Override
  public void close() {
    closed = true;
    if (lease.held()) {
      lease.release().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
  }
}
