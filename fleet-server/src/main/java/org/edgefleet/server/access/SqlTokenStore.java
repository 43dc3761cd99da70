package org.edgefleet.server.access;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.edgefleet.server.store.Transaction;

/** {@link TokenStore} in SQL that SQLite and PostgreSQL both run. */
public final class SqlTokenStore implements TokenStore {

  private final Transaction tx;

  public SqlTokenStore(Transaction tx) {
    this.tx = tx;
  }

  @Override
  public void insert(ApiToken t) {
    tx.update("INSERT INTO api_tokens (id, name, role, token_hash, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        t.id(), t.name(), t.role().apiName(), t.hash(), t.createdAt().toEpochMilli(),
        t.expiresAt() == null ? null : t.expiresAt().toEpochMilli(), t.revokedAt() == null ? null : t.revokedAt().toEpochMilli());
  }

  @Override
  public List<ApiToken> all() {
    return tx.query("SELECT id, name, role, token_hash, created_at, expires_at, revoked_at FROM api_tokens ORDER BY id",
        SqlTokenStore::row);
  }

  @Override
  public boolean revoke(String id, Instant at) {
    return tx.update("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", at.toEpochMilli(), id) > 0;
  }

  @Override
  public boolean claimBootstrap(String tokenId, String tokenFile, Instant at) {
    // The WHERE also keeps SQLite from reading ON CONFLICT as part of the SELECT.
    return tx.update("INSERT INTO admin_bootstrap (id, token_id, token_file, created_at) SELECT 1, ?, ?, ?"
        + " WHERE NOT EXISTS (SELECT 1 FROM api_tokens) ON CONFLICT (id) DO NOTHING", tokenId, tokenFile, at.toEpochMilli()) == 1;
  }

  @Override
  public Optional<AdminBootstrap.Claim> bootstrap() {
    return tx.first("SELECT token_id, token_file, created_at FROM admin_bootstrap WHERE id = 1",
        rs -> new AdminBootstrap.Claim(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
  }

  @Override
  public void insertSession(String idHash, String tokenId, Instant createdAt, Instant expiresAt) {
    tx.update("INSERT INTO dashboard_sessions (id_hash, token_id, created_at, expires_at) VALUES (?, ?, ?, ?)", idHash, tokenId,
        createdAt.toEpochMilli(), expiresAt.toEpochMilli());
  }

  @Override
  public Optional<StoredSession> session(String idHash) {
    return tx.first("SELECT token_id, expires_at FROM dashboard_sessions WHERE id_hash = ?",
        rs -> new StoredSession(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2))), idHash);
  }

  @Override
  public void deleteSession(String idHash) {
    tx.update("DELETE FROM dashboard_sessions WHERE id_hash = ?", idHash);
  }

  @Override
  public void trimSessions(Instant now, int keep) {
    tx.update("DELETE FROM dashboard_sessions WHERE expires_at <= ?", now.toEpochMilli());
    long over = tx.number("SELECT COUNT(*) FROM dashboard_sessions", 0) - keep;
    if (over > 0) {
      tx.update("DELETE FROM dashboard_sessions WHERE id_hash IN (SELECT id_hash FROM dashboard_sessions"
          + " ORDER BY expires_at, id_hash LIMIT ?)", over);
    }
  }

  private static ApiToken row(ResultSet rs) throws SQLException {
    long expires = rs.getLong(6);
    Instant expiresAt = rs.wasNull() ? null : Instant.ofEpochMilli(expires);
    long revoked = rs.getLong(7);
    Instant revokedAt = rs.wasNull() ? null : Instant.ofEpochMilli(revoked);
    return new ApiToken(rs.getString(1), rs.getString(2), Role.parse(rs.getString(3)), rs.getString(4),
        Instant.ofEpochMilli(rs.getLong(5)), expiresAt, revokedAt);
  }
}
