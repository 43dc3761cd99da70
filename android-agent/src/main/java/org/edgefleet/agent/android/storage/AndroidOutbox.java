package org.edgefleet.agent.android.storage;

import android.content.ContentValues;
import android.database.Cursor;
import android.database.SQLException;
import android.database.sqlite.SQLiteDatabase;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.edgefleet.agent.outbox.Outbox;
import org.edgefleet.agent.outbox.OutboxEntry;
import org.edgefleet.agent.outbox.OutboxProvider;

/**
 * The agent's outbox in the app's own SQLite ({@code android.database.sqlite}, WAL), in the agent's
 * data dir under the app's files dir. A message, its stream's new sequence number and any drop it
 * causes are one transaction, so a number the server may have seen is never reused, even when the
 * system kills the process mid-write. A write the disk refuses fails the append (the core counts
 * it and goes on); unlike the Linux outbox it keeps nothing in memory meanwhile.
 */
public final class AndroidOutbox implements Outbox {

  /** The outbox's file in the agent's data dir. */
  public static final String FILE_NAME = "outbox.db";
  /**
   * The largest message stored: Android reads a row through a cursor window of 2 MB, and a row that
   * does not fit could never be read back, so the outbox would be stuck on it. Device messages are
   * at most 256 KB (a telemetry batch).
   */
  public static final int MAX_MESSAGE_BYTES = 1024 * 1024;
  private static final String DROPPED = "dropped";
  private static final String SEQ = "seq:";

  private final File file;
  private final int bound;
  private final SQLiteDatabase db;
  private long rows;
  private long dropped;

  private AndroidOutbox(File file, int bound, SQLiteDatabase db) {
    this.file = file;
    this.bound = bound;
    this.db = db;
    db.execSQL("CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        + " stream TEXT NOT NULL, seq INTEGER NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL)");
    db.execSQL("CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    rows = queryLong("SELECT COUNT(*) FROM outbox", 0);
    dropped = counter(DROPPED);
  }

  /** The agent's outbox: {@link #FILE_NAME} in its data dir, opened when the agent starts. */
  public static OutboxProvider inDataDir() {
    return (dataDir, bound) -> open(dataDir.resolve(FILE_NAME).toFile(), bound);
  }

  public static AndroidOutbox open(File file, int bound) throws IOException {
    if (bound < 1) {
      throw new IllegalArgumentException("outbox bound must be at least 1, was " + bound);
    }
    File dir = file.getAbsoluteFile().getParentFile();
    if (!dir.isDirectory() && !dir.mkdirs()) {
      throw new IOException("cannot create the outbox's directory " + dir);
    }
    try {
      SQLiteDatabase db = SQLiteDatabase.openDatabase(file.getPath(), null,
          SQLiteDatabase.CREATE_IF_NECESSARY | SQLiteDatabase.ENABLE_WRITE_AHEAD_LOGGING);
      return new AndroidOutbox(file, bound, db);
    } catch (SQLException e) {
      throw new IOException("cannot open the outbox database " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized long append(String stream, String topic, LongFunction<byte[]> payload) throws IOException {
    db.beginTransaction();
    try {
      long seq = counter(SEQ + stream) + 1;
      byte[] bytes = payload.apply(seq);
      if (bytes.length > MAX_MESSAGE_BYTES) {
        throw new IOException("outbox " + file + ": a message on " + stream + " of " + bytes.length
            + " bytes is over the limit of " + MAX_MESSAGE_BYTES + " bytes; it was not stored");
      }
      ContentValues row = new ContentValues();
      row.put("stream", stream);
      row.put("seq", seq);
      row.put("topic", topic);
      row.put("payload", bytes);
      db.insertOrThrow("outbox", null, row);
      setCounter(SEQ + stream, seq);
      long over = rows + 1 - bound;
      if (over > 0) {
        db.execSQL("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT " + over + ")");
        setCounter(DROPPED, dropped + over);
      }
      db.setTransactionSuccessful();
      db.endTransaction();
      rows = Math.min(rows + 1, bound);
      dropped += Math.max(0, over);
      return seq;
    } catch (SQLException e) {
      throw new IOException("outbox " + file + ": cannot store a message on " + stream + ": " + e.getMessage(), e);
    } finally {
      if (db.inTransaction()) {
        db.endTransaction(); // without setTransactionSuccessful: rolled back, the sequence number is not used
      }
    }
  }

  @Override
  public synchronized List<OutboxEntry> oldest(int max) throws IOException {
    List<OutboxEntry> out = new ArrayList<>();
    try (Cursor c = db.rawQuery("SELECT id, stream, seq, topic, payload FROM outbox ORDER BY id LIMIT " + max, null)) {
      while (c.moveToNext()) {
        out.add(new OutboxEntry(c.getLong(0), c.getString(1), c.getLong(2), c.getString(3), c.getBlob(4)));
      }
    } catch (SQLException e) {
      throw new IOException("outbox " + file + ": cannot read messages: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public synchronized void remove(long id) throws IOException {
    try {
      rows -= db.delete("outbox", "id = ?", new String[] {Long.toString(id)});
    } catch (SQLException e) {
      throw new IOException("outbox " + file + ": cannot remove message " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized long size() {
    return rows;
  }

  @Override
  public synchronized long dropped() {
    return dropped;
  }

  @Override
  public synchronized void close() {
    db.close();
  }

  private long counter(String name) {
    try (Cursor c = db.rawQuery("SELECT value FROM counters WHERE name = ?", new String[] {name})) {
      return c.moveToFirst() ? c.getLong(0) : 0;
    }
  }

  private void setCounter(String name, long value) {
    ContentValues v = new ContentValues();
    v.put("name", name);
    v.put("value", value);
    db.insertWithOnConflict("counters", null, v, SQLiteDatabase.CONFLICT_REPLACE);
  }

  private long queryLong(String sql, long otherwise) {
    try (Cursor c = db.rawQuery(sql, null)) {
      return c.moveToFirst() ? c.getLong(0) : otherwise;
    }
  }
}
