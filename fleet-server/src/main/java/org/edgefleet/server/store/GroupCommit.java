package org.edgefleet.server.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes items that arrive one by one (telemetry batches, events) in shared transactions: while
 * one transaction runs, new items queue up and the next transaction takes them all. A commit is
 * what costs (an fsync in SQLite, a round trip and a WAL flush in PostgreSQL), so this turns
 * per-message commits into per-batch commits. One transaction of a writer runs at a time, so items
 * are written in the order they were submitted.
 */
public final class GroupCommit<T, R> {

  /** Writes a batch in the transaction and returns one result per item, in order. */
  @FunctionalInterface
  public interface BatchWork<T, R> {
    List<R> write(Transaction tx, List<T> items);
  }

  private record Pending<T, R>(T item, CompletableFuture<R> result) {}

  private final Database db;
  private final int maxBatch;
  private final BatchWork<T, R> work;
  private final ConcurrentLinkedQueue<Pending<T, R>> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  public GroupCommit(Database db, int maxBatch, BatchWork<T, R> work) {
    this.db = db;
    this.maxBatch = maxBatch;
    this.work = work;
  }

  public CompletableFuture<R> submit(T item) {
    CompletableFuture<R> result = new CompletableFuture<>();
    queue.add(new Pending<>(item, result));
    scheduleFlush();
    return result;
  }

  private void scheduleFlush() {
    if (queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
      return;
    }
    List<Pending<T, R>> batch = new ArrayList<>();
    db.execute(tx -> {
      // A transaction that runs again (after a deadlock) writes the batch it took the first time.
      if (batch.isEmpty()) {
        Pending<T, R> p;
        while (batch.size() < maxBatch && (p = queue.poll()) != null) {
          batch.add(p);
        }
      }
      List<T> items = new ArrayList<>(batch.size());
      batch.forEach(b -> items.add(b.item()));
      return items.isEmpty() ? List.<R>of() : work.write(tx, items);
    }).whenComplete((results, error) -> {
      for (int i = 0; i < batch.size(); i++) {
        if (error != null) {
          batch.get(i).result().completeExceptionally(error);
        } else {
          batch.get(i).result().complete(results.get(i));
        }
      }
      scheduled.set(false);
      scheduleFlush();
    });
  }
}
