package org.edgefleet.server.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.edgefleet.server.store.Transaction;

/** {@link AuditStore} in SQL that SQLite and PostgreSQL both run; every filter value is a bound parameter. */
public final class SqlAuditStore implements AuditStore {

  private static final String COLUMNS = "id, at, actor, token_id, role, method, route, target, status, error";

  private final Transaction tx;

  public SqlAuditStore(Transaction tx) {
    this.tx = tx;
  }

  @Override
  public long insert(AuditEntry e) {
    return tx.number("INSERT INTO audit_log (at, actor, token_id, role, method, route, target, status, error) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", 0, e.at().toEpochMilli(), e.actor(), e.tokenId(), e.role(), e.method(),
        e.route(), e.target(), e.status(), e.error());
  }

  @Override
  public List<AuditEntry> list(AuditFilter f, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_log WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (f.actor() != null) {
      sql.append(" AND actor = ?");
      args.add(f.actor());
    }
    if (f.since() != null) {
      sql.append(" AND at >= ?");
      args.add(f.since().toEpochMilli());
    }
    if (f.until() != null) {
      sql.append(" AND at < ?");
      args.add(f.until().toEpochMilli());
    }
    if (f.beforeId() != null) {
      sql.append(" AND id < ?");
      args.add(f.beforeId());
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(limit);
    return tx.query(sql.toString(), SqlAuditStore::row, args.toArray());
  }

  @Override
  public int deleteBefore(Instant before) {
    return tx.update("DELETE FROM audit_log WHERE at < ?", before.toEpochMilli());
  }

  private static AuditEntry row(ResultSet rs) throws SQLException {
    return new AuditEntry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9), rs.getString(10));
  }
}
