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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.edgefleet.agent.outbox.Outbox;
import org.edgefleet.agent.outbox.OutboxEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox in one SQLite file (WAL). A message, its stream's new sequence number and any drop
 * it causes are written in one transaction. With {@code syncEveryCommit} each commit is on disk
 * before {@code append} returns, so it survives a power cut too; without it, a process crash
 * loses nothing but a power cut may lose the last commits since the WAL was synced.
 */
public final class SqliteOutbox implements Outbox {

  private static final Logger log = LoggerFactory.getLogger(SqliteOutbox.class);
  private static final String DROPPED = "dropped";
  private static final String SEQ = "seq:";

  private final Path file;
  private final int bound;
  private final Connection db;
  private final Map<String, Long> counters = new HashMap<>();
  private long size;
  private boolean dropping;

  private SqliteOutbox(Path file, int bound, Connection db) {
    this.file = file;
    this.bound = bound;
    this.db = db;
  }

  public static SqliteOutbox open(Path file, int bound, boolean syncEveryCommit) throws IOException {
    if (bound < 1) {
      throw new IllegalArgumentException("outbox bound must be at least 1, was " + bound);
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Connection db = null;
    try {
      db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = db.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=" + (syncEveryCommit ? "FULL" : "NORMAL"));
        s.execute("PRAGMA busy_timeout=5000");
        s.execute("CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT,"
            + " stream TEXT NOT NULL, seq INTEGER NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
      }
      db.setAutoCommit(false);
      db.commit();
      SqliteOutbox outbox = new SqliteOutbox(file, bound, db);
      outbox.load();
      return outbox;
    } catch (SQLException e) {
      closeQuietly(db);
      throw new IOException("cannot open the outbox database " + file + ": " + e.getMessage(), e);
    }
  }

  private void load() throws SQLException {
    try (Statement s = db.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT name, value FROM counters")) {
        while (rs.next()) {
          counters.put(rs.getString(1), rs.getLong(2));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM outbox")) {
        size = rs.next() ? rs.getLong(1) : 0;
      }
    }
    db.commit();
  }

  @Override
  public synchronized long append(String stream, String topic, LongFunction<byte[]> payload) throws IOException {
    long seq = counters.getOrDefault(SEQ + stream, 0L) + 1;
    byte[] bytes = payload.apply(seq);
    long drop = Math.max(0, size + 1 - bound);
    try {
      setCounter(SEQ + stream, seq);
      try (PreparedStatement ins = db.prepareStatement("INSERT INTO outbox (stream, seq, topic, payload) VALUES (?, ?, ?, ?)")) {
        ins.setString(1, stream);
        ins.setLong(2, seq);
        ins.setString(3, topic);
        ins.setBytes(4, bytes);
        ins.executeUpdate();
      }
      if (drop > 0) {
        try (PreparedStatement del = db.prepareStatement("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT ?)")) {
          del.setLong(1, drop);
          del.executeUpdate();
        }
        setCounter(DROPPED, dropped() + drop);
      }
      db.commit();
    } catch (SQLException e) {
      rollback();
      throw new IOException("outbox " + file + ": cannot store a " + stream + " message: " + e.getMessage(), e);
    }
    counters.put(SEQ + stream, seq);
    if (drop > 0) {
      counters.put(DROPPED, dropped() + drop);
      // Once per episode: a device offline for days drops a message every telemetry interval.
      if (!dropping) {
        log.warn("outbox full, dropping the oldest messages bound={} droppedTotal={}", bound, dropped());
      }
      dropping = true;
    }
    size = size + 1 - drop;
    return seq;
  }

  @Override
  public synchronized List<OutboxEntry> oldest(int max) throws IOException {
    List<OutboxEntry> out = new ArrayList<>();
    try (PreparedStatement q = db.prepareStatement("SELECT id, stream, seq, topic, payload FROM outbox ORDER BY id LIMIT ?")) {
      q.setInt(1, max);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          out.add(new OutboxEntry(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getBytes(5)));
        }
      }
      db.commit();
    } catch (SQLException e) {
      rollback();
      throw new IOException("outbox " + file + ": cannot read messages: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public synchronized void remove(long id) throws IOException {
    try (PreparedStatement del = db.prepareStatement("DELETE FROM outbox WHERE id = ?")) {
      del.setLong(1, id);
      int n = del.executeUpdate();
      db.commit();
      size -= n;
      dropping = dropping && size >= bound;
    } catch (SQLException e) {
      rollback();
      throw new IOException("outbox " + file + ": cannot remove message " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized long size() {
    return size;
  }

  @Override
  public synchronized long dropped() {
    return counters.getOrDefault(DROPPED, 0L);
  }

  @Override
  public synchronized void close() {
    closeQuietly(db);
  }

  private void setCounter(String name, long value) throws SQLException {
    try (PreparedStatement up = db.prepareStatement(
        "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value")) {
      up.setString(1, name);
      up.setLong(2, value);
      up.executeUpdate();
    }
  }

  private void rollback() {
    try {
      db.rollback();
    } catch (SQLException e) {
      log.error("outbox rollback failed file={} reason={}", file, e.getMessage());
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("outbox close failed reason={}", e.getMessage());
    }
  }
}
