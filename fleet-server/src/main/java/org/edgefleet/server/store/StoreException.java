package org.edgefleet.server.store;

import java.sql.SQLException;
import java.util.Set;
import org.sqlite.SQLiteException;

/**
 * The database failed to do what a store asked, whichever database it is. Stores and the
 * {@link Database} throw this (unchecked) instead of {@link SQLException}, so no service depends on
 * JDBC; the cause keeps the driver's exception.
 */
public class StoreException extends RuntimeException {

  // PostgreSQL: serialization_failure, deadlock_detected. The transaction may simply be run again.
  private static final Set<String> RETRYABLE_STATES = Set.of("40001", "40P01");
  // PostgreSQL unique_violation; SQLite's SQLITE_CONSTRAINT_PRIMARYKEY and SQLITE_CONSTRAINT_UNIQUE.
  private static final String UNIQUE_VIOLATION = "23505";
  private static final Set<Integer> SQLITE_UNIQUE_CODES = Set.of(1555, 2067);

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Wraps the driver's exception; a unique-key violation becomes a {@link DuplicateKeyException}. */
  public static StoreException of(SQLException e, String sql) {
    String message = "database error (" + e.getMessage() + ") in: " + abbreviate(sql);
    if (UNIQUE_VIOLATION.equals(e.getSQLState()) || isSqliteUnique(e)) {
      return new DuplicateKeyException(message, e);
    }
    return new StoreException(message, e);
  }

  /** Whether the transaction failed only because it ran beside another one, and may be run again. */
  public boolean retryable() {
    return getCause() instanceof SQLException s && s.getSQLState() != null && RETRYABLE_STATES.contains(s.getSQLState());
  }

  private static boolean isSqliteUnique(SQLException e) {
    return e instanceof SQLiteException s && SQLITE_UNIQUE_CODES.contains(s.getResultCode().code);
  }

  private static String abbreviate(String sql) {
    String oneLine = sql.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
  }
}
