package org.edgefleet.agent.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import org.edgefleet.agent.outbox.Outbox;
import org.edgefleet.agent.outbox.OutboxEntry;
import org.edgefleet.agent.outbox.OutboxProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox in one SQLite file (WAL). A message, its stream's new sequence number and any drop
 * it causes are written in one transaction. With {@code syncEveryCommit} each commit is on disk
 * before {@code append} returns, so it survives a power cut too; without it, a process crash
 * loses nothing but a power cut may lose the last commits since the WAL was synced.
 *
 * <p>When a write fails (disk full, I/O error) the outbox heals by itself. Transactions are
 * begun and ended with explicit statements on an auto-commit connection, so SQLite alone holds the
 * transaction state: SQLite rolls a transaction back by itself on SQLITE_FULL, and a driver that
 * kept its own idea of an open transaction would from then on commit nothing ("cannot commit - no
 * transaction is active") until restarted. After a failure the transaction is rolled back if it is
 * still open, or the connection is reopened. Messages that cannot be stored wait in memory (at
 * most {@link #PENDING_MESSAGES} messages or {@link #PENDING_BYTES} bytes; beyond that the oldest
 * are dropped and counted) and go into SQLite, in order, on the next append that finds space. A
 * message is never handed to the sender before it is stored, so whatever the server acknowledged
 * has its sequence number on disk. Messages of {@link Outbox#PRIORITY_STREAM} may use the space of
 * a {@link SqliteOutboxReserve}. A removal that cannot be written is remembered and retried; the
 * message is not sent again meanwhile.
 */
public final class SqliteOutbox implements Outbox {

  static final int PENDING_MESSAGES = 256;
  static final int PENDING_BYTES = 256 * 1024;
  static final String RESERVE_SUFFIX = ".reserve";

  /** The outbox's file in the agent's data dir. */
  public static final String FILE_NAME = "outbox.db";
  private static final Logger log = LoggerFactory.getLogger(SqliteOutbox.class);
  private static final String DROPPED = "dropped";
  private static final String SEQ = "seq:";

  /** A message not stored yet. */
  private record Pending(String stream, long seq, String topic, byte[] payload) {}

  private final Path file;
  private final int bound;
  private final boolean syncEveryCommit;
  private final SqliteOutboxReserve reserve;
  /** What the outbox has handed out: the truth for the next sequence numbers and the drop count. */
  private final Map<String, Long> counters = new HashMap<>();
  /** The counters as the database holds them. */
  private final Map<String, Long> saved = new HashMap<>();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final Set<Long> removeLater = new HashSet<>();
  private Connection db;
  private long pendingBytes;
  private long rows;
  private boolean dropping;
  private boolean failing;
  private boolean closed;

  private SqliteOutbox(Path file, int bound, boolean syncEveryCommit, SqliteOutboxReserve reserve) {
    this.file = file;
    this.bound = bound;
    this.syncEveryCommit = syncEveryCommit;
    this.reserve = reserve;
  }

  /** The agent's outbox: {@link #FILE_NAME} in its data dir, opened when the agent starts. */
  public static OutboxProvider inDataDir(boolean syncEveryCommit) {
    return (dataDir, bound) -> open(dataDir.resolve(FILE_NAME), bound, syncEveryCommit);
  }

  public static SqliteOutbox open(Path file, int bound, boolean syncEveryCommit) throws IOException {
    return open(file, bound, syncEveryCommit, SqliteOutboxReserve.DEFAULT_BYTES);
  }

  /** As {@link #open(Path, int, boolean)}, with {@code reserveBytes} kept free for priority messages (0: none). */
  public static SqliteOutbox open(Path file, int bound, boolean syncEveryCommit, long reserveBytes) throws IOException {
    if (bound < 1) {
      throw new IllegalArgumentException("outbox bound must be at least 1, was " + bound);
    }
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    SqliteOutboxReserve reserve = new SqliteOutboxReserve(abs.resolveSibling(abs.getFileName() + RESERVE_SUFFIX), reserveBytes);
    SqliteOutbox outbox = new SqliteOutbox(abs, bound, syncEveryCommit, reserve);
    try {
      outbox.connect();
    } catch (SQLException first) {
      // A full disk may refuse even the WAL index of an existing file: give it the reserve.
      if (!reserve.release()) {
        throw new IOException("cannot open the outbox database " + file + ": " + first.getMessage(), first);
      }
      try {
        outbox.connect();
      } catch (SQLException e) {
        throw new IOException("cannot open the outbox database " + file + ": " + e.getMessage(), e);
      }
    }
    if (reserveBytes > 0) {
      reserve.restore();
    }
    return outbox;
  }

  private void connect() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=" + (syncEveryCommit ? "FULL" : "NORMAL"));
      s.execute("PRAGMA busy_timeout=5000");
      // A small WAL, checkpointed often and cut back after: on a small partition a WAL of the
      // default 1000 pages (4 MB) alone could fill the disk.
      s.execute("PRAGMA wal_autocheckpoint=64");
      s.execute("PRAGMA journal_size_limit=524288");
      s.execute("CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT,"
          + " stream TEXT NOT NULL, seq INTEGER NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
      Map<String, Long> stored = new HashMap<>();
      try (ResultSet rs = s.executeQuery("SELECT name, value FROM counters")) {
        while (rs.next()) {
          stored.put(rs.getString(1), rs.getLong(2));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM outbox")) {
        rows = rs.next() ? rs.getLong(1) : 0;
      }
      saved.clear();
      saved.putAll(stored);
      // On a reconnect after a failure, memory may be ahead of the database: keep the larger.
      stored.forEach((k, v) -> counters.merge(k, v, Math::max));
    } catch (SQLException e) {
      closeQuietly(c);
      throw e;
    }
    db = c;
  }

  @Override
  public synchronized long append(String stream, String topic, LongFunction<byte[]> payload) throws IOException {
    if (closed) {
      throw new IOException("outbox " + file + " is closed");
    }
    long seq = counters.getOrDefault(SEQ + stream, 0L) + 1;
    byte[] bytes = payload.apply(seq);
    counters.put(SEQ + stream, seq);
    pending.add(new Pending(stream, seq, topic, bytes));
    pendingBytes += bytes.length;
    if (!store(false) && PRIORITY_STREAM.equals(stream) && reserve.release()) {
      store(true);
    }
    boundPending();
    return seq;
  }

  @Override
  public synchronized List<OutboxEntry> oldest(int max) throws IOException {
    List<OutboxEntry> out = new ArrayList<>();
    try (PreparedStatement q = connection().prepareStatement(
        "SELECT id, stream, seq, topic, payload FROM outbox ORDER BY id LIMIT ?")) {
      q.setInt(1, max + removeLater.size());
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next() && out.size() < max) {
          if (!removeLater.contains(rs.getLong(1))) {
            out.add(new OutboxEntry(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getBytes(5)));
          }
        }
      }
    } catch (SQLException e) {
      recover(e);
      throw new IOException("outbox " + file + ": cannot read messages: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public synchronized void remove(long id) throws IOException {
    removeLater.add(id);
    if (!inTransaction(() -> { })) {
      throw new IOException("outbox " + file + ": cannot remove message " + id + " now (disk full?); removed with the next write");
    }
    dropping = dropping && rows >= bound;
  }

  @Override
  public synchronized long size() {
    return rows - removeLater.size() + pending.size();
  }

  @Override
  public synchronized long dropped() {
    return counters.getOrDefault(DROPPED, 0L);
  }

  @Override
  public synchronized long unsaved() {
    return pending.size();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!pending.isEmpty()) {
      store(false);
    }
    if (!pending.isEmpty()) {
      log.error("event=outbox_closed_with_loss file={} lost={}", file, pending.size());
    }
    closeQuietly(db);
    db = null;
  }

  /**
   * Writes the waiting messages, oldest first, one transaction each so that what fits is kept.
   * With {@code priorityOnly} (the reserve was just freed) only priority messages are written.
   */
  private boolean store(boolean priorityOnly) {
    Iterator<Pending> it = pending.iterator();
    while (it.hasNext()) {
      Pending p = it.next();
      if (priorityOnly && !PRIORITY_STREAM.equals(p.stream())) {
        continue;
      }
      if (!inTransaction(() -> insert(p))) {
        return false;
      }
      it.remove();
      pendingBytes -= p.payload().length;
    }
    if (failing) {
      failing = false;
      log.info("event=outbox_stores_again file={} dropped={}", file, dropped());
    }
    reserve.restore();
    return true;
  }

  private void insert(Pending p) throws SQLException {
    try (PreparedStatement ins = db.prepareStatement("INSERT INTO outbox (stream, seq, topic, payload) VALUES (?, ?, ?, ?)")) {
      ins.setString(1, p.stream());
      ins.setLong(2, p.seq());
      ins.setString(3, p.topic());
      ins.setBytes(4, p.payload());
      ins.executeUpdate();
    }
    rows++;
    long drop = Math.max(0, rows - bound);
    if (drop > 0) {
      try (PreparedStatement del = db.prepareStatement("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT ?)")) {
        del.setLong(1, drop);
        rows -= del.executeUpdate();
      }
      counters.merge(DROPPED, drop, Long::sum);
      // Once per episode: a device offline for days drops a message every telemetry interval.
      if (!dropping) {
        log.warn("event=outbox_full action=drop_oldest bound={} dropped_total={}", bound, dropped());
      }
      dropping = true;
    }
  }

  /** Runs the removals owed, {@code work} and the counters in one transaction; false when it failed. */
  private boolean inTransaction(SqlWork work) {
    long rowsBefore = rows;
    Map<String, Long> countersBefore = new HashMap<>(counters);
    try (Statement s = connection().createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      deleteAcknowledged();
      work.run();
      saveCounters();
      s.execute("COMMIT");
      saved.putAll(counters);
      removeLater.clear();
      return true;
    } catch (SQLException e) {
      rows = rowsBefore;
      counters.clear();
      counters.putAll(countersBefore);
      recover(e);
      if (!failing) {
        failing = true;
        log.error("event=outbox_write_failed action=keep_in_memory file={} reason=\"{}\"", file, e.getMessage());
      }
      return false;
    }
  }

  private void deleteAcknowledged() throws SQLException {
    if (removeLater.isEmpty()) {
      return;
    }
    try (PreparedStatement del = db.prepareStatement("DELETE FROM outbox WHERE id = ?")) {
      for (long id : removeLater) {
        del.setLong(1, id);
        rows -= del.executeUpdate();
      }
    }
  }

  private void saveCounters() throws SQLException {
    try (PreparedStatement up = db.prepareStatement(
        "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value")) {
      for (Map.Entry<String, Long> c : counters.entrySet()) {
        if (!c.getValue().equals(saved.get(c.getKey()))) {
          up.setString(1, c.getKey());
          up.setLong(2, c.getValue());
          up.executeUpdate();
        }
      }
    }
  }

  /** Drops the oldest waiting messages beyond the memory bound, counted like any other drop. */
  private void boundPending() {
    while (pending.size() > PENDING_MESSAGES || (pendingBytes > PENDING_BYTES && pending.size() > 1)) {
      Pending p = pending.poll();
      pendingBytes -= p.payload().length;
      counters.merge(DROPPED, 1L, Long::sum);
      log.warn("event=outbox_message_dropped cause=memory_full stream={} seq={} dropped_total={}",
          p.stream(), p.seq(), dropped());
    }
  }

  /**
   * Puts the connection back in a known state after a failed statement: no transaction open.
   * SQLite may already have rolled back (SQLITE_FULL, SQLITE_IOERR); if even the rollback fails
   * for another reason, the connection is reopened.
   */
  private void recover(SQLException cause) {
    if (db == null) {
      return;
    }
    try (Statement s = db.createStatement()) {
      s.execute("ROLLBACK");
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().contains("no transaction is active")) {
        return;
      }
      log.warn("event=outbox_connection_reset file={} reason=\"{}\" rollback=\"{}\"", file, cause.getMessage(), e.getMessage());
      closeQuietly(db);
      db = null;
    }
  }

  /**
   * SQLite's own size limit ({@code PRAGMA max_page_count}), in pages of this database: past it
   * every write fails with SQLITE_FULL, as on a full disk. Lets tests fill the database without a
   * small partition; 0 lifts the limit.
   */
  synchronized long limitPages(long pages) throws SQLException {
    try (Statement s = connection().createStatement();
        ResultSet rs = s.executeQuery("PRAGMA max_page_count=" + (pages > 0 ? pages : Integer.MAX_VALUE))) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  synchronized long pageCount() throws SQLException {
    try (Statement s = connection().createStatement(); ResultSet rs = s.executeQuery("PRAGMA page_count")) {
      return rs.next() ? rs.getLong(1) : -1;
    }
  }

  private Connection connection() throws SQLException {
    if (db == null) {
      connect();
    }
    return db;
  }

  /** A unit of SQL work inside a transaction. */
  private interface SqlWork {
    void run() throws SQLException;
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("event=outbox_close_failed reason=\"{}\"", e.getMessage());
    }
  }
}
