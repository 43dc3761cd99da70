package org.edgefleet.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What differs between the databases the stores run on. Stores write SQL both understand
 * ({@code INSERT ... ON CONFLICT}, row values, {@code RETURNING}) and ask the dialect only for the
 * few pieces that have no common spelling.
 */
public enum Dialect {

  /**
   * One file, one writer at a time. A write transaction starts with {@code BEGIN IMMEDIATE}, which
   * takes the database's write lock up front: it is isolated from every other writer (in this
   * process or another) without row locks, and cannot fail half-way on a lock upgrade.
   */
  SQLITE("sqlite", "MAX", ""),

  /**
   * Many writers. Transactions run at READ COMMITTED; a read that a write depends on takes its
   * rows with {@code SELECT ... FOR UPDATE}, and unique keys and {@code ON CONFLICT} settle races
   * between inserts.
   */
  POSTGRESQL("postgresql", "GREATEST", " FOR UPDATE");

  private final String migrations;
  private final String greatest;
  private final String forUpdate;

  Dialect(String migrations, String greatest, String forUpdate) {
    this.migrations = migrations;
    this.greatest = greatest;
    this.forUpdate = forUpdate;
  }

  /** The dialect of a JDBC URL, which must be {@code jdbc:sqlite:...} or {@code jdbc:postgresql:...}. */
  public static Dialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException("database-url must start with jdbc:sqlite: or jdbc:postgresql:, was "
        + JdbcUrls.withoutSecrets(jdbcUrl));
  }

  /** The Flyway location of this dialect's migrations. */
  String migrationLocation() {
    return "classpath:db/migration/" + migrations;
  }

  /** The larger of two values: {@code MAX(a, b)} in SQLite, {@code GREATEST(a, b)} in PostgreSQL. */
  public String greatest(String a, String b) {
    return greatest + "(" + a + ", " + b + ")";
  }

  /**
   * The suffix of a SELECT whose rows the transaction goes on to change: a row lock where the
   * database has them, nothing in SQLite, whose write transactions hold the whole database.
   */
  public String forUpdate() {
    return forUpdate;
  }

  /** The text value of a top-level key of a JSON object stored as text; the key is bound as a parameter. */
  public String jsonField(String column) {
    return this == SQLITE ? "json_extract(" + column + ", '$.\"' || ? || '\"')" : "(" + column + "::jsonb ->> ?)";
  }

  /** A subquery over the elements of a JSON array stored as text under a key, each as {@code element}. */
  public String jsonArrayElements(String column, String key) {
    return this == SQLITE ? "json_each(" + column + ", '$." + key + "')"
        : "jsonb_array_elements(" + column + "::jsonb -> '" + key + "')";
  }

  /** The text value of a key of one element yielded by {@link #jsonArrayElements}, aliased {@code alias}. */
  public String elementField(String alias, String key) {
    return this == SQLITE ? "json_extract(" + alias + ".value, '$." + key + "')" : "(" + alias + ".value ->> '" + key + "')";
  }

  void begin(Connection c, boolean write) throws SQLException {
    if (this == SQLITE) {
      try (Statement s = c.createStatement()) {
        s.execute(write ? "BEGIN IMMEDIATE" : "BEGIN");
      }
    }
  }

  void commit(Connection c) throws SQLException {
    if (this == SQLITE) {
      try (Statement s = c.createStatement()) {
        s.execute("COMMIT");
      }
    } else {
      c.commit();
    }
  }

  /** Called only after {@link #begin}; SQLite may have rolled back by itself already (then this fails, harmlessly). */
  void rollback(Connection c) throws SQLException {
    if (this == SQLITE) {
      try (Statement s = c.createStatement()) {
        s.execute("ROLLBACK");
      }
    } else {
      c.rollback();
    }
  }
}
