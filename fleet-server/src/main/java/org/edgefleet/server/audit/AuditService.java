package org.edgefleet.server.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.Page;
import org.edgefleet.server.store.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log. Entries are written one after the other, in the order they were recorded, and a
 * listing waits for those recorded before it: an operator who changed something and then reads
 * the log finds the change there.
 */
public final class AuditService {

  private static final Logger LOG = LoggerFactory.getLogger(AuditService.class);

  private final Database db;
  private final Function<Transaction, AuditStore> stores;
  private final Clock clock;
  private CompletableFuture<Void> written = CompletableFuture.completedFuture(null);

  public AuditService(Database db, Function<Transaction, AuditStore> stores, Clock clock) {
    this.db = db;
    this.stores = stores;
    this.clock = clock;
  }

  /** Queues the entry for writing; a failure is logged (the request it describes is answered already). */
  public synchronized CompletableFuture<Void> record(AuditEntry entry) {
    written = written.thenCompose(v -> db.execute(tx -> stores.apply(tx).insert(entry))).handle((id, e) -> {
      if (e != null) {
        LOG.error("event=audit_write_failed actor={} method={} route={} status={} reason=\"{}\"", entry.actor(), entry.method(),
            entry.route(), entry.status(), e.getMessage());
      }
      return null;
    });
    return written;
  }

  /** Entries newest first, after every entry recorded before this call is written. */
  public CompletableFuture<Page<AuditEntry>> list(AuditFilter filter, int limit) {
    CompletableFuture<Void> before;
    synchronized (this) {
      before = written;
    }
    return before.thenCompose(v -> db.read(tx -> Page.of(stores.apply(tx).list(filter, limit + 1), limit,
        e -> Long.toString(e.id()))));
  }

  /** Deletes entries older than {@code retention}. */
  public CompletableFuture<Integer> purge(Duration retention) {
    return db.execute(tx -> stores.apply(tx).deleteBefore(clock.instant().minus(retention)));
  }

  public Clock clock() {
    return clock;
  }
}
