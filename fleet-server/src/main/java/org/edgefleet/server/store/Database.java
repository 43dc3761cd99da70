package org.edgefleet.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.edgefleet.server.ThreadPools;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactor: runs work in a transaction on a pooled connection, on a thread of its own, and
 * hands the work a {@link Transaction} that the stores open on. Isolation comes from the database,
 * not from a single thread: SQLite write transactions hold the write lock from their first
 * statement, PostgreSQL ones lock the rows they read to change ({@link Dialect}). A transaction
 * PostgreSQL aborts for a deadlock or a serialization failure runs again, up to {@link #ATTEMPTS}
 * times.
 *
 * <p>On SQLite, writes run on one thread with one connection: SQLite has one writer at a time
 * anyway, and a second writing thread would only wait in SQLite's sleeping busy handler.
 * Throughput comes from batching ({@link GroupCommit}). Reads run beside the writer (WAL). On
 * PostgreSQL, reads and writes share a pool of {@link DatabaseConfig#poolSize} connections.
 *
 * <p>Nothing may wait on a future from this class while on one of its threads.
 */
public final class Database implements AutoCloseable {

  /** Work inside a transaction; it runs on a database thread and must not wait on anything. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Transaction tx);
  }

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  static final int ATTEMPTS = 3;

  private final Dialect dialect;
  private final String safeUrl;
  private final Lane writer;
  private final Lane reader;

  private record Lane(HikariDataSource pool, ExecutorService threads) {}

  private Database(Dialect dialect, String safeUrl, Lane writer, Lane reader) {
    this.dialect = dialect;
    this.safeUrl = safeUrl;
    this.writer = writer;
    this.reader = reader;
  }

  /**
   * Connects, brings the schema up to date ({@link Migrations}) and starts the pools.
   *
   * @throws StoreException with the reason when the database cannot be reached or migrated
   */
  public static Database open(DatabaseConfig config) {
    Dialect dialect = config.dialect();
    Migrations.migrate(config);
    if (dialect == Dialect.SQLITE) {
      Lane writer = lane(config, "fleet-db", 1);
      try {
        return new Database(dialect, config.safeUrl(), writer, lane(config, "fleet-db-read", DatabaseConfig.SQLITE_READERS));
      } catch (RuntimeException e) {
        close(writer);
        throw e;
      }
    }
    Lane shared = lane(config, "fleet-db", config.poolSize());
    return new Database(dialect, config.safeUrl(), shared, shared);
  }

  private static Lane lane(DatabaseConfig config, String name, int size) {
    HikariConfig h = new HikariConfig();
    h.setPoolName(name);
    h.setJdbcUrl(config.url());
    h.setUsername(config.username());
    h.setPassword(config.password());
    h.setMaximumPoolSize(size);
    h.setMinimumIdle(size);
    if (config.dialect() == Dialect.SQLITE) {
      // Transactions begin with explicit BEGIN [IMMEDIATE] (Dialect.begin), outside the driver's autocommit switch.
      h.setAutoCommit(true);
      h.addDataSourceProperty("journal_mode", "WAL");
      // NORMAL is durable across application crashes in WAL mode; only a power loss may lose the last commits.
      h.addDataSourceProperty("synchronous", "NORMAL");
      h.addDataSourceProperty("foreign_keys", "true");
      h.addDataSourceProperty("busy_timeout", "5000");
      // 64 MiB of page cache: telemetry from many devices inserts all over the primary-key tree.
      h.addDataSourceProperty("cache_size", "-65536");
    } else {
      h.setAutoCommit(false);
    }
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(h);
    } catch (RuntimeException e) {
      throw new StoreException("cannot connect to the database " + config.safeUrl() + ": " + rootMessage(e), e);
    }
    return new Lane(pool, ThreadPools.fixed(name, size));
  }

  public Dialect dialect() {
    return dialect;
  }

  /** Runs the work in a read-write transaction. */
  public <T> CompletableFuture<T> execute(Work<T> work) {
    return submit(writer, work, true);
  }

  /** Runs work that only reads, in a transaction of its own (one consistent snapshot in SQLite). */
  public <T> CompletableFuture<T> read(Work<T> work) {
    return submit(reader, work, false);
  }

  private <T> CompletableFuture<T> submit(Lane lane, Work<T> work, boolean write) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      lane.threads().execute(() -> runNow(lane, work, write, result));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("the database is closed", e));
    }
    return result;
  }

  private <T> void runNow(Lane lane, Work<T> work, boolean write, CompletableFuture<T> result) {
    for (int attempt = 1; ; attempt++) {
      try {
        Committed<T> done = once(lane, work, write);
        done.afterCommit().forEach(Database::runQuietly);
        result.complete(done.value());
        return;
      } catch (StoreException e) {
        if (e.retryable() && attempt < ATTEMPTS) {
          LOG.debug("event=db_transaction_retried attempt={} reason=\"{}\"", attempt, e.getMessage());
          continue;
        }
        result.completeExceptionally(e);
        return;
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(e);
        return;
      }
    }
  }

  private record Committed<T>(T value, List<Runnable> afterCommit) {}

  private <T> Committed<T> once(Lane lane, Work<T> work, boolean write) {
    try (Connection c = lane.pool().getConnection()) {
      dialect.begin(c, write);
      Transaction tx = new Transaction(c, dialect);
      T value;
      try {
        value = work.run(tx);
        dialect.commit(c);
      } catch (SQLException e) {
        rollback(c);
        throw StoreException.of(e, "COMMIT");
      } catch (RuntimeException | Error e) {
        rollback(c);
        throw e;
      }
      return new Committed<>(value, tx.afterCommitActions());
    } catch (SQLException e) {
      throw new StoreException("cannot use the database " + safeUrl + ": " + e.getMessage(), e);
    }
  }

  private void rollback(Connection c) {
    try {
      dialect.rollback(c);
    } catch (SQLException e) {
      LOG.debug("event=db_rollback_failed reason=\"{}\"", e.getMessage());
    }
  }

  private static void runQuietly(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.warn("event=after_commit_failed reason=\"{}\"", e.toString());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  @Override
  public void close() {
    close(writer);
    if (reader != writer) {
      close(reader);
    }
  }

  private static void close(Lane lane) {
    ThreadPools.shutdown(lane.threads(), 10_000);
    lane.pool().close();
  }
}
