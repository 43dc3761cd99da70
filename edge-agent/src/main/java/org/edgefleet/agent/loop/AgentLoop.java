package org.edgefleet.agent.loop;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's serial executor on a scheduler that many agents may share. Tasks run one at a time
 * in submission order, so the agent's update, outbox and telemetry state needs no locks; a turn
 * runs a bounded batch and yields, so a thousand agents on a few threads take turns fairly.
 */
public final class AgentLoop implements Executor {

  private static final Logger log = LoggerFactory.getLogger(AgentLoop.class);
  private static final int BATCH = 64;

  private final String name;
  private final ScheduledExecutorService scheduler;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean queued = new AtomicBoolean();
  private volatile Thread runner;
  private volatile boolean stopped;

  public AgentLoop(String name, ScheduledExecutorService scheduler) {
    this.name = name;
    this.scheduler = scheduler;
  }

  /** Runs the task on the loop; after {@link #stop()} tasks are dropped. */
  @Override
  public void execute(Runnable task) {
    if (stopped) {
      return;
    }
    tasks.add(task);
    kick();
  }

  /** Runs the task on the loop after a delay. */
  public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    try {
      return scheduler.schedule(() -> execute(task), delay, unit);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /** Runs the task on the loop every period, until stopped. */
  public ScheduledFuture<?> every(Runnable task, Duration period) {
    long ms = Math.max(1, period.toMillis());
    return scheduler.scheduleWithFixedDelay(() -> execute(task), ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Runs the callable on the loop and waits for its result (directly when already on the loop). */
  public <T> T call(Callable<T> callable, Duration timeout) throws Exception {
    if (Thread.currentThread() == runner) {
      return callable.call();
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    execute(() -> {
      try {
        result.complete(callable.call());
      } catch (Exception | Error e) {
        result.completeExceptionally(e);
      }
    });
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new TimeoutException("agent loop " + name + " did not finish the task within " + timeout);
    }
  }

  /**
   * Drops queued and future tasks and waits for the running one to finish, so that nothing runs
   * on the agent's state once this returns (unless called from the loop itself).
   */
  public void stopAndWait(Duration timeout) {
    stopped = true;
    tasks.clear();
    if (Thread.currentThread() == runner) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (queued.get() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void kick() {
    if (queued.compareAndSet(false, true)) {
      try {
        scheduler.execute(this::runBatch);
      } catch (RejectedExecutionException e) {
        queued.set(false);
        log.debug("event=loop_rejected_work loop={}", name);
      }
    }
  }

  private void runBatch() {
    runner = Thread.currentThread();
    try {
      for (int i = 0; i < BATCH && !stopped; i++) {
        Runnable task = tasks.poll();
        if (task == null) {
          break;
        }
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          log.error("event=loop_task_failed loop={} reason=\"{}\"", name, e.toString(), e);
        }
      }
    } finally {
      runner = null;
      queued.set(false);
    }
    if (!tasks.isEmpty() && !stopped) {
      kick();
    }
  }
}
