package org.edgefleet.server.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.edgefleet.server.ThreadPools;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite database: one connection, used by one thread. SQLite serializes writers anyway, and
 * one thread makes every transaction trivially isolated; throughput comes from batching
 * ({@link GroupCommit}), not from concurrency. Nothing may wait on a future from this class while
 * on the database thread.
 */
public final class Database implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final Connection connection;
  private final ExecutorService thread = ThreadPools.fixed("fleet-db", 1);

  private Database(Connection connection) {
    this.connection = connection;
  }

  /** Opens (creating if needed) the database file in WAL mode and brings its schema up to date. */
  public static Database open(Path file) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      // NORMAL is durable across application crashes in WAL mode; only a power loss may lose the last commits.
      s.execute("PRAGMA synchronous=NORMAL");
      s.execute("PRAGMA foreign_keys=ON");
      s.execute("PRAGMA busy_timeout=5000");
      // 64 MiB of page cache: telemetry from many devices inserts all over the primary-key tree.
      s.execute("PRAGMA cache_size=-65536");
      c.setAutoCommit(false);
      SqliteSchema.migrate(c);
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    return new Database(c);
  }

  /** Runs the work in its own transaction on the database thread. */
  public <T> CompletableFuture<T> execute(SqlWork<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      thread.execute(() -> runNow(work, result));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("the database is closed", e));
    }
    return result;
  }

  private <T> void runNow(SqlWork<T> work, CompletableFuture<T> result) {
    T value;
    try {
      value = work.run(connection);
      connection.commit();
    } catch (Exception e) {
      rollback();
      result.completeExceptionally(e);
      return;
    }
    result.complete(value);
  }

  private void rollback() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      LOG.warn("event=db_rollback_failed error=\"{}\"", e.getMessage());
    }
  }

  /** The connection, for stores running on the database thread only. */
  public Connection connection() {
    return connection;
  }

  @Override
  public void close() {
    ThreadPools.shutdown(thread, 10_000);
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("event=db_close_failed error=\"{}\"", e.getMessage());
    }
  }
}
