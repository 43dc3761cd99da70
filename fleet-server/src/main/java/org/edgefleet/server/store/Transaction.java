package org.edgefleet.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One database transaction, handed to the work a {@link Database} runs and, through it, to every
 * store that work opens: stores are made per transaction on its connection and never keep one.
 * Its methods run SQL with positional parameters and turn driver failures into
 * {@link StoreException}. Work to do once the transaction has committed (publishing what it wrote)
 * goes to {@link #afterCommit}.
 */
public final class Transaction {

  /** Reads one row of a result. */
  @FunctionalInterface
  public interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private final Connection connection;
  private final Dialect dialect;
  private final List<Runnable> afterCommit = new ArrayList<>();

  Transaction(Connection connection, Dialect dialect) {
    this.connection = connection;
    this.dialect = dialect;
  }

  public Dialect dialect() {
    return dialect;
  }

  /** Runs the action once this transaction has committed, off the database's threads; never when it rolls back. */
  public void afterCommit(Runnable action) {
    afterCommit.add(action);
  }

  List<Runnable> afterCommitActions() {
    return afterCommit;
  }

  /** Runs an INSERT, UPDATE or DELETE; returns how many rows it changed. */
  public int update(String sql, Object... args) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw StoreException.of(e, sql);
    }
  }

  /** Runs one statement for each row of arguments in one batch; returns the rows each changed. */
  public int[] batch(String sql, List<Object[]> rows) {
    if (rows.isEmpty()) {
      return new int[0];
    }
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (Object[] args : rows) {
        bind(ps, args);
        ps.addBatch();
      }
      return ps.executeBatch();
    } catch (SQLException e) {
      throw StoreException.of(e, sql);
    }
  }

  public <T> List<T> query(String sql, Row<T> row, Object... args) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      bind(ps, args);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row.read(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw StoreException.of(e, sql);
    }
  }

  /** The first row of the result, if any. */
  public <T> Optional<T> first(String sql, Row<T> row, Object... args) {
    List<T> rows = query(sql, row, args);
    return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
  }

  /** The number in the first column of the first row, or {@code ifNone} when there is no row or it is NULL. */
  public long number(String sql, long ifNone, Object... args) {
    return first(sql, rs -> {
      long v = rs.getLong(1);
      return rs.wasNull() ? null : v;
    }, args).orElse(ifNone);
  }

  /** The connection, for the database's own tools (migrations, the copy between databases). */
  Connection connection() {
    return connection;
  }

  private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }
}
