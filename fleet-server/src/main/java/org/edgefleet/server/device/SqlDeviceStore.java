package org.edgefleet.server.device;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.server.cohort.Selector;
import org.edgefleet.server.cohort.SelectorSql;
import org.edgefleet.server.store.Dialect;
import org.edgefleet.server.store.SeqEpochs;
import org.edgefleet.server.store.Transaction;

/** {@link DeviceStore} in SQL that SQLite and PostgreSQL both run. */
public final class SqlDeviceStore implements DeviceStore {

  private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};
  private static final String COLUMNS =
      "id, labels, first_seen, last_seen, online, agent_version, applied_revision, reported, reported_at, last_error";

  private final Transaction tx;
  private final Dialect dialect;

  public SqlDeviceStore(Transaction tx) {
    this.tx = tx;
    this.dialect = tx.dialect();
  }

  @Override
  public void register(String deviceId, Instant now) {
    tx.update("INSERT INTO devices (id, first_seen, last_seen) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
        deviceId, now.toEpochMilli(), now.toEpochMilli());
  }

  @Override
  public void saveReported(ReportedState r, Instant now) {
    register(r.deviceId(), now);
    Map<String, String> operator = operatorLabels(r.deviceId());
    tx.update("UPDATE devices SET reported_labels = ?, labels = ?, agent_version = ?, applied_revision = ?, reported = ?, reported_at = ?, "
        + "reported_time = ?, last_error = ?, last_seen = " + dialect.greatest("last_seen", "?")
        + " WHERE id = ? AND (reported_at IS NULL OR reported_at <= ?)",
        Json.writeString(r.labels()), Json.writeString(merged(r.labels(), operator)), r.agentVersion(), r.appliedRevision(),
        Json.writeString(r), now.toEpochMilli(),
        r.time().toEpochMilli(), r.lastError(), now.toEpochMilli(), r.deviceId(), now.toEpochMilli());
  }

  @Override
  public boolean setOperatorLabels(String deviceId, Map<String, String> labels) {
    Optional<Map<String, String>> reported = tx.first("SELECT reported_labels FROM devices WHERE id = ?" + dialect.forUpdate(),
        rs -> labels(rs.getString(1)), deviceId);
    if (reported.isEmpty()) {
      return false;
    }
    tx.update("UPDATE devices SET operator_labels = ?, labels = ? WHERE id = ?", Json.writeString(labels),
        Json.writeString(merged(reported.get(), labels)), deviceId);
    return true;
  }

  @Override
  public Map<String, String> operatorLabels(String deviceId) {
    return tx.first("SELECT operator_labels FROM devices WHERE id = ?", rs -> labels(rs.getString(1)), deviceId).orElse(Map.of());
  }

  @Override
  public List<DeviceRecord> matching(Selector selector) {
    List<Object> args = new ArrayList<>();
    String where = SelectorSql.where(selector, dialect, "labels", args);
    return tx.query("SELECT " + COLUMNS + " FROM devices WHERE " + where + " ORDER BY id", SqlDeviceStore::read, args.toArray());
  }

  // The operator's labels win over the device's.
  private static Map<String, String> merged(Map<String, String> reported, Map<String, String> operator) {
    Map<String, String> all = new TreeMap<>(reported);
    all.putAll(operator);
    return all;
  }

  @Override
  public List<Boolean> insertEvents(List<DeviceEvent> events, Instant now) {
    Map<String, Long> epochs = new HashMap<>(new SeqEpochs(tx).lock(events.stream().map(DeviceEvent::deviceId).toList()));
    List<Boolean> stored = new ArrayList<>(events.size());
    for (DeviceEvent e : events) {
      stored.add(insertEvent(e, epochs, now));
    }
    return stored;
  }

  private boolean insertEvent(DeviceEvent e, Map<String, Long> epochs, Instant now) {
    long epoch = epochs.get(e.deviceId());
    if (!insertEventRow(e, epoch, now)) {
      if (storedEventMatches(e, epoch)) {
        return false; // a replay
      }
      epoch = new SeqEpochs(tx).next(e.deviceId());
      epochs.put(e.deviceId(), epoch);
      insertEventRow(e, epoch, now);
    }
    tx.update("INSERT INTO device_model_events "
        + "(device_id, model, epoch, seq, received_at, version, execution, result, reason, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        + "ON CONFLICT (device_id, model) DO UPDATE SET epoch = excluded.epoch, seq = excluded.seq, "
        + "received_at = excluded.received_at, version = excluded.version, execution = excluded.execution, "
        + "result = excluded.result, reason = excluded.reason, details = excluded.details "
        + "WHERE excluded.epoch > device_model_events.epoch "
        + "OR (excluded.epoch = device_model_events.epoch AND excluded.seq > device_model_events.seq)",
        e.deviceId(), e.model(), epoch, e.seq(), now.toEpochMilli(), e.version(), e.execution().wireName(),
        e.result().wireName(), e.reason(), e.details());
    return true;
  }

  private boolean insertEventRow(DeviceEvent e, long epoch, Instant now) {
    return tx.update("INSERT INTO device_events (device_id, epoch, seq, received_at, time, model, version, execution, result, "
        + "reason, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, epoch, seq) DO NOTHING",
        e.deviceId(), epoch, e.seq(), now.toEpochMilli(), e.time().toEpochMilli(), e.model(), e.version(),
        e.execution().wireName(), e.result().wireName(), e.reason(), e.details()) > 0;
  }

  // The same event sent again, as opposed to another event under a sequence number that restarted.
  private boolean storedEventMatches(DeviceEvent e, long epoch) {
    return tx.first("SELECT 1 FROM device_events WHERE device_id = ? AND epoch = ? AND seq = ? "
        + "AND time = ? AND model = ? AND version = ? AND execution = ? AND result = ?", rs -> true,
        e.deviceId(), epoch, e.seq(), e.time().toEpochMilli(), e.model(), e.version(), e.execution().wireName(),
        e.result().wireName()).isPresent();
  }

  @Override
  public void setOnline(String deviceId, boolean online, Instant now) {
    register(deviceId, now);
    tx.update("UPDATE devices SET online = ?, last_seen = " + dialect.greatest("last_seen", "?") + " WHERE id = ?",
        online ? 1 : 0, now.toEpochMilli(), deviceId);
  }

  @Override
  public void touch(Map<String, Instant> lastSeen) {
    List<Object[]> rows = new ArrayList<>(lastSeen.size());
    lastSeen.forEach((id, seen) -> rows.add(new Object[] {seen.toEpochMilli(), id}));
    tx.batch("UPDATE devices SET last_seen = " + dialect.greatest("last_seen", "?") + " WHERE id = ?", rows);
  }

  @Override
  public Map<String, Boolean> presence() {
    Map<String, Boolean> all = new HashMap<>();
    tx.query("SELECT id, online FROM devices", rs -> all.put(rs.getString(1), rs.getInt(2) != 0));
    return all;
  }

  @Override
  public int expireOnline(Instant seenBefore) {
    return tx.update("UPDATE devices SET online = 0 WHERE online = 1 AND last_seen < ?", seenBefore.toEpochMilli());
  }

  @Override
  public List<DeviceRecord> all() {
    return tx.query("SELECT " + COLUMNS + " FROM devices ORDER BY id", SqlDeviceStore::read);
  }

  @Override
  public List<DeviceRecord> page(DeviceQuery q, Instant onlineSince, String afterId, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM devices WHERE id > ?");
    List<Object> args = new ArrayList<>(List.of(afterId == null ? "" : afterId));
    if (q.online() != null) {
      sql.append(q.online() ? " AND online = 1 AND last_seen >= ?" : " AND (online = 0 OR last_seen < ?)");
      args.add(onlineSince.toEpochMilli());
    }
    sql.append(" AND ").append(SelectorSql.where(q.selector(), dialect, "labels", args));
    if (q.model() != null) {
      sql.append(" AND EXISTS (SELECT 1 FROM ").append(dialect.jsonArrayElements("devices.reported", "models"))
          .append(" m WHERE ").append(dialect.elementField("m", "name")).append(" = ?)");
      args.add(q.model());
    }
    sql.append(" ORDER BY id LIMIT ?");
    args.add(limit);
    return tx.query(sql.toString(), SqlDeviceStore::read, args.toArray());
  }

  @Override
  public Optional<DeviceRecord> find(String deviceId) {
    return tx.first("SELECT " + COLUMNS + " FROM devices WHERE id = ?", SqlDeviceStore::read, deviceId);
  }

  @Override
  public Map<String, List<LatestEvent>> latestEvents(String deviceId) {
    String sql = "SELECT device_id, model, version, execution, result, reason, details, received_at FROM device_model_events"
        + (deviceId == null ? "" : " WHERE device_id = ?") + " ORDER BY device_id, model";
    Map<String, List<LatestEvent>> out = new HashMap<>();
    tx.query(sql, rs -> {
      out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new LatestEvent(rs.getString(2), rs.getInt(3),
          Execution.fromWireName(rs.getString(4)), Result.fromWireName(rs.getString(5)), rs.getString(6),
          rs.getString(7), Instant.ofEpochMilli(rs.getLong(8))));
      return null;
    }, deviceId == null ? new Object[0] : new Object[] {deviceId});
    return out;
  }

  private static DeviceRecord read(ResultSet rs) throws SQLException {
    String reported = rs.getString(8);
    long reportedAt = rs.getLong(9);
    boolean hasReport = !rs.wasNull();
    return new DeviceRecord(rs.getString(1), labels(rs.getString(2)), Instant.ofEpochMilli(rs.getLong(3)),
        Instant.ofEpochMilli(rs.getLong(4)), rs.getInt(5) == 1, rs.getString(6), rs.getLong(7),
        reported == null ? null : Json.read(reported.getBytes(StandardCharsets.UTF_8), ReportedState.class),
        hasReport ? Instant.ofEpochMilli(reportedAt) : null, rs.getString(10));
  }

  private static Map<String, String> labels(String json) throws SQLException {
    try {
      return Json.mapper().readValue(json, LABELS);
    } catch (IOException e) {
      throw new SQLException("stored device labels are corrupt: " + json, e);
    }
  }
}
