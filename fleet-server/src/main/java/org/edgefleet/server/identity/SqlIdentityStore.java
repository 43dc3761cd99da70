package org.edgefleet.server.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.edgefleet.server.store.Transaction;

/** {@link IdentityStore} in SQL that SQLite and PostgreSQL both run. */
public final class SqlIdentityStore implements IdentityStore {

  private static final String IDENTITY_COLUMNS = "device_id, state, public_key, serial, not_after, updated_at";

  private final Transaction tx;

  public SqlIdentityStore(Transaction tx) {
    this.tx = tx;
  }

  @Override
  public void addToken(EnrollmentToken t) {
    tx.update("INSERT INTO enrollment_tokens (id, token_hash, uses_left, expires_at, needs_approval, created_at) "
        + "VALUES (?, ?, ?, ?, ?, ?)", t.id(), t.hash(), t.usesLeft(), t.expiresAt().toEpochMilli(), t.needsApproval() ? 1 : 0,
        t.createdAt().toEpochMilli());
  }

  @Override
  public Optional<EnrollmentToken> token(String hash) {
    return tx.first("SELECT id, token_hash, uses_left, expires_at, needs_approval, created_at FROM enrollment_tokens "
        + "WHERE token_hash = ?", rs -> new EnrollmentToken(rs.getString(1), rs.getString(2), rs.getInt(3),
            Instant.ofEpochMilli(rs.getLong(4)), rs.getInt(5) != 0, Instant.ofEpochMilli(rs.getLong(6))), hash);
  }

  @Override
  public boolean useToken(String hash, Instant now) {
    return tx.update("UPDATE enrollment_tokens SET uses_left = uses_left - 1 WHERE token_hash = ? AND uses_left > 0 "
        + "AND expires_at > ?", hash, now.toEpochMilli()) == 1;
  }

  @Override
  public Optional<DeviceIdentity> identity(String deviceId) {
    return tx.first("SELECT " + IDENTITY_COLUMNS + " FROM device_identities WHERE device_id = ?", SqlIdentityStore::row, deviceId);
  }

  @Override
  public void save(DeviceIdentity i) {
    tx.update("INSERT INTO device_identities (" + IDENTITY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (device_id) "
        + "DO UPDATE SET state = excluded.state, public_key = excluded.public_key, serial = excluded.serial, "
        + "not_after = excluded.not_after, updated_at = excluded.updated_at", i.deviceId(), i.state().name(), i.publicKey(),
        i.serial(), i.notAfter() == null ? null : i.notAfter().toEpochMilli(), i.updatedAt().toEpochMilli());
  }

  @Override
  public List<DeviceIdentity> list(IdentityState state, String afterId, int limit) {
    String after = afterId == null ? "" : afterId;
    if (state == null) {
      return tx.query("SELECT " + IDENTITY_COLUMNS + " FROM device_identities WHERE device_id > ? ORDER BY device_id LIMIT ?",
          SqlIdentityStore::row, after, limit);
    }
    return tx.query("SELECT " + IDENTITY_COLUMNS + " FROM device_identities WHERE state = ? AND device_id > ? "
        + "ORDER BY device_id LIMIT ?", SqlIdentityStore::row, state.name(), after, limit);
  }

  private static DeviceIdentity row(ResultSet rs) throws SQLException {
    long notAfter = rs.getLong(5);
    Instant na = rs.wasNull() ? null : Instant.ofEpochMilli(notAfter);
    return new DeviceIdentity(rs.getString(1), IdentityState.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4), na,
        Instant.ofEpochMilli(rs.getLong(6)));
  }
}
