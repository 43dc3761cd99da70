package org.edgefleet.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads for the server's worker pools, so thread dumps say who is busy. */
public final class ThreadPools {

  private ThreadPools() {}

  public static ExecutorService fixed(String name, int threads) {
    return Executors.newFixedThreadPool(threads, named(name));
  }

  /** One thread; a cancelled task leaves the queue at once (deadlines are mostly cancelled). */
  public static ScheduledExecutorService scheduled(String name) {
    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, named(name));
    e.setRemoveOnCancelPolicy(true);
    return e;
  }

  private static ThreadFactory named(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Stops a pool, letting queued work finish for a while (pending database writes, in-flight reads). */
  public static void shutdown(ExecutorService pool, long waitMillis) {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
