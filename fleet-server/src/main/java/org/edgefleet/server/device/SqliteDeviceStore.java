package org.edgefleet.server.device;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;
import org.edgefleet.protocol.message.ReportedState;

/** {@link DeviceStore} on SQLite. */
public final class SqliteDeviceStore implements DeviceStore {

  private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};
  private static final String COLUMNS =
      "id, labels, first_seen, last_seen, online, agent_version, applied_revision, reported, reported_at, last_error";

  private final Connection c;

  public SqliteDeviceStore(Connection connection) {
    this.c = connection;
  }

  @Override
  public void register(String deviceId, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO devices (id, first_seen, last_seen) VALUES (?, ?, ?)")) {
      ps.setString(1, deviceId);
      ps.setLong(2, now.toEpochMilli());
      ps.setLong(3, now.toEpochMilli());
      ps.executeUpdate();
    }
  }

  @Override
  public Optional<Instant> reportedTime(String deviceId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT reported_time FROM devices WHERE id = ?")) {
      ps.setString(1, deviceId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          long t = rs.getLong(1);
          return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(t));
        }
        return Optional.empty();
      }
    }
  }

  @Override
  public void saveReported(ReportedState r, Instant now) throws SQLException {
    register(r.deviceId(), now);
    try (PreparedStatement ps = c.prepareStatement("UPDATE devices SET labels = ?, agent_version = ?, applied_revision = ?, "
        + "reported = ?, reported_at = ?, reported_time = ?, last_error = ?, last_seen = MAX(last_seen, ?) WHERE id = ?")) {
      ps.setString(1, Json.writeString(r.labels()));
      ps.setString(2, r.agentVersion());
      ps.setLong(3, r.appliedRevision());
      ps.setString(4, Json.writeString(r));
      ps.setLong(5, now.toEpochMilli());
      ps.setLong(6, r.time().toEpochMilli());
      ps.setString(7, r.lastError());
      ps.setLong(8, now.toEpochMilli());
      ps.setString(9, r.deviceId());
      ps.executeUpdate();
    }
  }

  @Override
  public boolean insertEvent(DeviceEvent e, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO device_events "
        + "(device_id, seq, received_at, time, model, version, execution, result, reason, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, e.deviceId());
      ps.setLong(2, e.seq());
      ps.setLong(3, now.toEpochMilli());
      ps.setLong(4, e.time().toEpochMilli());
      ps.setString(5, e.model());
      ps.setInt(6, e.version());
      ps.setString(7, e.execution().wireName());
      ps.setString(8, e.result().wireName());
      ps.setString(9, e.reason());
      ps.setString(10, e.details());
      if (ps.executeUpdate() == 0) {
        return false;
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_model_events "
        + "(device_id, model, seq, received_at, version, execution, result, reason, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        + "ON CONFLICT (device_id, model) DO UPDATE SET seq = excluded.seq, received_at = excluded.received_at, "
        + "version = excluded.version, execution = excluded.execution, result = excluded.result, reason = excluded.reason, "
        + "details = excluded.details WHERE excluded.seq > device_model_events.seq")) {
      ps.setString(1, e.deviceId());
      ps.setString(2, e.model());
      ps.setLong(3, e.seq());
      ps.setLong(4, now.toEpochMilli());
      ps.setInt(5, e.version());
      ps.setString(6, e.execution().wireName());
      ps.setString(7, e.result().wireName());
      ps.setString(8, e.reason());
      ps.setString(9, e.details());
      ps.executeUpdate();
    }
    return true;
  }

  @Override
  public void setOnline(String deviceId, boolean online, Instant now) throws SQLException {
    register(deviceId, now);
    try (PreparedStatement ps = c.prepareStatement("UPDATE devices SET online = ?, last_seen = MAX(last_seen, ?) WHERE id = ?")) {
      ps.setInt(1, online ? 1 : 0);
      ps.setLong(2, now.toEpochMilli());
      ps.setString(3, deviceId);
      ps.executeUpdate();
    }
  }

  @Override
  public void touch(Map<String, Instant> lastSeen) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE devices SET last_seen = MAX(last_seen, ?) WHERE id = ?")) {
      for (Map.Entry<String, Instant> e : lastSeen.entrySet()) {
        ps.setLong(1, e.getValue().toEpochMilli());
        ps.setString(2, e.getKey());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public List<DeviceRecord> all() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM devices ORDER BY id")) {
      return read(ps);
    }
  }

  @Override
  public Optional<DeviceRecord> find(String deviceId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM devices WHERE id = ?")) {
      ps.setString(1, deviceId);
      return read(ps).stream().findFirst();
    }
  }

  @Override
  public Map<String, List<LatestEvent>> latestEvents(String deviceId) throws SQLException {
    String sql = "SELECT device_id, model, version, execution, result, reason, details, received_at FROM device_model_events"
        + (deviceId == null ? "" : " WHERE device_id = ?") + " ORDER BY device_id, model";
    Map<String, List<LatestEvent>> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (deviceId != null) {
        ps.setString(1, deviceId);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new LatestEvent(rs.getString(2), rs.getInt(3),
              Execution.fromWireName(rs.getString(4)), Result.fromWireName(rs.getString(5)), rs.getString(6),
              rs.getString(7), Instant.ofEpochMilli(rs.getLong(8))));
        }
      }
    }
    return out;
  }

  private static List<DeviceRecord> read(PreparedStatement ps) throws SQLException {
    List<DeviceRecord> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String reported = rs.getString(8);
        long reportedAt = rs.getLong(9);
        boolean hasReport = !rs.wasNull();
        out.add(new DeviceRecord(rs.getString(1), labels(rs.getString(2)), Instant.ofEpochMilli(rs.getLong(3)),
            Instant.ofEpochMilli(rs.getLong(4)), rs.getInt(5) == 1, rs.getString(6), rs.getLong(7),
            reported == null ? null : Json.read(reported.getBytes(StandardCharsets.UTF_8), ReportedState.class),
            hasReport ? Instant.ofEpochMilli(reportedAt) : null, rs.getString(10)));
      }
    }
    return out;
  }

  private static Map<String, String> labels(String json) throws SQLException {
    try {
      return Json.mapper().readValue(json, LABELS);
    } catch (IOException e) {
      throw new SQLException("stored device labels are corrupt: " + json, e);
    }
  }
}
