package org.edgefleet.server.desired;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.server.store.Transaction;

/** {@link DesiredStore} in SQL that SQLite and PostgreSQL both run. */
public final class SqlDesiredStore implements DesiredStore {

  private static final String COLUMNS = "model, version, digest, rollout_id, role, share, beside_version, beside_digest, record_outcomes";

  private final Transaction tx;

  public SqlDesiredStore(Transaction tx) {
    this.tx = tx;
  }

  @Override
  public Optional<Assignment> assignment(String deviceId, String model) {
    return tx.first("SELECT " + COLUMNS + " FROM assignments WHERE device_id = ? AND model = ?",
        SqlDesiredStore::assignment, deviceId, model);
  }

  @Override
  public long assign(String deviceId, Assignment a, Instant now) {
    Assignment.Beside beside = a.beside();
    tx.update("INSERT INTO assignments (device_id, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        + "ON CONFLICT (device_id, model) DO UPDATE SET version = excluded.version, digest = excluded.digest, "
        + "rollout_id = excluded.rollout_id, role = excluded.role, share = excluded.share, "
        + "beside_version = excluded.beside_version, beside_digest = excluded.beside_digest, "
        + "record_outcomes = excluded.record_outcomes", deviceId, a.model(), a.version(),
        a.digest(), a.rolloutId(), a.role().wireName(), a.share(), beside == null ? null : beside.version(),
        beside == null ? null : beside.digest(), a.recordOutcomes() ? 1 : 0);
    return bumpRevision(deviceId, now);
  }

  @Override
  public long unassign(String deviceId, String model, Instant now) {
    tx.update("DELETE FROM assignments WHERE device_id = ? AND model = ?", deviceId, model);
    return bumpRevision(deviceId, now);
  }

  // One statement reads and bumps the revision, so concurrent assignments to a device get distinct revisions.
  private long bumpRevision(String deviceId, Instant now) {
    return tx.number("INSERT INTO desired (device_id, revision, issued_at) VALUES (?, 1, ?) ON CONFLICT (device_id) "
        + "DO UPDATE SET revision = desired.revision + 1, issued_at = excluded.issued_at RETURNING revision", 0,
        deviceId, now.toEpochMilli());
  }

  @Override
  public Optional<Desired> desired(String deviceId) {
    Optional<Desired> head = tx.first("SELECT revision, issued_at FROM desired WHERE device_id = ?",
        rs -> new Desired(deviceId, rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), List.of()), deviceId);
    if (head.isEmpty()) {
      return head;
    }
    List<Assignment> assigned = tx.query("SELECT " + COLUMNS + " FROM assignments WHERE device_id = ? "
        + "ORDER BY model", SqlDesiredStore::assignment, deviceId);
    return Optional.of(new Desired(deviceId, head.get().revision(), head.get().issuedAt(), assigned));
  }

  @Override
  public List<Desired> all() {
    Map<String, List<Assignment>> byDevice = new HashMap<>();
    tx.query("SELECT " + COLUMNS + ", device_id FROM assignments ORDER BY model", rs ->
        byDevice.computeIfAbsent(rs.getString(10), k -> new ArrayList<>()).add(assignment(rs)));
    return tx.query("SELECT device_id, revision, issued_at FROM desired ORDER BY device_id", rs -> new Desired(rs.getString(1),
        rs.getLong(2), Instant.ofEpochMilli(rs.getLong(3)), byDevice.getOrDefault(rs.getString(1), List.of())));
  }

  @Override
  public List<String> devices() {
    return tx.query("SELECT device_id FROM desired ORDER BY device_id", rs -> rs.getString(1));
  }

  @Override
  public int devicesAssigned(String digest) {
    return (int) tx.number("SELECT COUNT(*) FROM assignments WHERE digest = ? OR beside_digest = ?", 0, digest,
        digest);
  }

  @Override
  public void markPublished(String deviceId, long revision) {
    tx.update("UPDATE desired SET published_revision = " + tx.dialect().greatest("published_revision", "?")
        + " WHERE device_id = ?", revision, deviceId);
  }

  @Override
  public List<String> unpublished(Instant issuedBefore, int limit) {
    return tx.query("SELECT device_id FROM desired WHERE published_revision < revision AND issued_at < ? ORDER BY device_id LIMIT ?",
        rs -> rs.getString(1), issuedBefore.toEpochMilli(), limit);
  }

  private static Assignment assignment(ResultSet rs) throws SQLException {
    double share = rs.getDouble(6);
    Double shareOrNull = rs.wasNull() ? null : share;
    int besideVersion = rs.getInt(7);
    Assignment.Beside beside = rs.wasNull() ? null : new Assignment.Beside(besideVersion, rs.getString(8));
    return new Assignment(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getLong(4), SlotRole.fromWireName(rs.getString(5)),
        shareOrNull, beside, rs.getInt(9) != 0);
  }
}
