package org.edgefleet.server.desired;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link DesiredStore} on SQLite. */
public final class SqliteDesiredStore implements DesiredStore {

  private final Connection c;

  public SqliteDesiredStore(Connection connection) {
    this.c = connection;
  }

  @Override
  public Optional<Assignment> assignment(String deviceId, String model) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT model, version, digest, rollout_id FROM assignments WHERE device_id = ? AND model = ?")) {
      ps.setString(1, deviceId);
      ps.setString(2, model);
      return assignments(ps).stream().findFirst();
    }
  }

  @Override
  public long assign(String deviceId, Assignment a, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO assignments (device_id, model, version, digest, rollout_id) "
        + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id, model) DO UPDATE SET version = excluded.version, "
        + "digest = excluded.digest, rollout_id = excluded.rollout_id")) {
      ps.setString(1, deviceId);
      ps.setString(2, a.model());
      ps.setInt(3, a.version());
      ps.setString(4, a.digest());
      ps.setLong(5, a.rolloutId());
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO desired (device_id, revision, issued_at) VALUES (?, 1, ?) "
        + "ON CONFLICT (device_id) DO UPDATE SET revision = revision + 1, issued_at = excluded.issued_at")) {
      ps.setString(1, deviceId);
      ps.setLong(2, now.toEpochMilli());
      ps.executeUpdate();
    }
    return desired(deviceId).orElseThrow().revision();
  }

  @Override
  public Optional<Desired> desired(String deviceId) throws SQLException {
    long revision;
    Instant issuedAt;
    try (PreparedStatement ps = c.prepareStatement("SELECT revision, issued_at FROM desired WHERE device_id = ?")) {
      ps.setString(1, deviceId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        revision = rs.getLong(1);
        issuedAt = Instant.ofEpochMilli(rs.getLong(2));
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT model, version, digest, rollout_id FROM assignments WHERE device_id = ? ORDER BY model")) {
      ps.setString(1, deviceId);
      return Optional.of(new Desired(deviceId, revision, issuedAt, assignments(ps)));
    }
  }

  @Override
  public List<Desired> all() throws SQLException {
    Map<String, List<Assignment>> byDevice = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT device_id, model, version, digest, rollout_id FROM assignments ORDER BY model");
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        byDevice.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
            .add(new Assignment(rs.getString(2), rs.getInt(3), rs.getString(4), rs.getLong(5)));
      }
    }
    List<Desired> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT device_id, revision, issued_at FROM desired ORDER BY device_id");
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String id = rs.getString(1);
        out.add(new Desired(id, rs.getLong(2), Instant.ofEpochMilli(rs.getLong(3)), byDevice.getOrDefault(id, List.of())));
      }
    }
    return out;
  }

  @Override
  public List<String> devices() throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT device_id FROM desired ORDER BY device_id");
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Override
  public int devicesAssigned(String digest) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM assignments WHERE digest = ?")) {
      ps.setString(1, digest);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  private static List<Assignment> assignments(PreparedStatement ps) throws SQLException {
    List<Assignment> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new Assignment(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getLong(4)));
      }
    }
    return out;
  }
}
