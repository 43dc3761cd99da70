package org.edgefleet.server.cohort;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.edgefleet.server.store.Transaction;

/** {@link CohortStore} in SQL that SQLite and PostgreSQL both run. */
public final class SqlCohortStore implements CohortStore {

  private final Transaction tx;

  public SqlCohortStore(Transaction tx) {
    this.tx = tx;
  }

  @Override
  public boolean save(String name, Selector selector, Instant now) {
    boolean isNew = find(name).isEmpty();
    tx.update("INSERT INTO cohorts (name, selector, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) "
        + "DO UPDATE SET selector = excluded.selector, updated_at = excluded.updated_at", name, selector.toString(),
        now.toEpochMilli(), now.toEpochMilli());
    return isNew;
  }

  @Override
  public Optional<Cohort> find(String name) {
    return tx.first("SELECT name, selector, created_at, updated_at FROM cohorts WHERE name = ?", SqlCohortStore::row, name);
  }

  @Override
  public List<Cohort> list(String afterName, int limit) {
    return tx.query("SELECT name, selector, created_at, updated_at FROM cohorts WHERE name > ? ORDER BY name LIMIT ?",
        SqlCohortStore::row, afterName == null ? "" : afterName, limit);
  }

  @Override
  public boolean delete(String name) {
    return tx.update("DELETE FROM cohorts WHERE name = ?", name) > 0;
  }

  private static Cohort row(ResultSet rs) throws SQLException {
    return new Cohort(rs.getString(1), Selector.parse(rs.getString(2)), Instant.ofEpochMilli(rs.getLong(3)),
        Instant.ofEpochMilli(rs.getLong(4)));
  }
}
