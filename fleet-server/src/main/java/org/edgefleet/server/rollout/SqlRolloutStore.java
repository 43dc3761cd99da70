package org.edgefleet.server.rollout;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.edgefleet.server.desired.Assignment;
import org.edgefleet.server.store.Transaction;

/** {@link RolloutStore} in SQL that SQLite and PostgreSQL both run. */
public final class SqlRolloutStore implements RolloutStore {

  private static final String COLUMNS = "id, model, version, digest, selector, cohort, strategy, plan, status, stage, "
      + "stage_started_at, created_at, updated_at";
  private static final String ACTIVE = Stream.of(RolloutStatus.values()).filter(RolloutStatus::isActive)
      .map(s -> "'" + s.name() + "'").collect(Collectors.joining(", ", "(", ")"));

  private final Transaction tx;

  public SqlRolloutStore(Transaction tx) {
    this.tx = tx;
  }

  @Override
  public long create(String model, int version, String digest, String selector, String cohort, StrategySpec plan,
      RolloutStatus status, Instant now) {
    return tx.number("INSERT INTO rollouts (model, version, digest, selector, cohort, strategy, plan, status, stage, "
        + "stage_started_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) RETURNING id", 0, model,
        version, digest, selector, cohort, plan.kind().name(), plan.toJson(), status.name(), now.toEpochMilli(),
        now.toEpochMilli(), now.toEpochMilli());
  }

  @Override
  public void addTarget(long rolloutId, String deviceId, int stage, TargetState state, Optional<Assignment> previous,
      Instant now) {
    tx.update("INSERT INTO rollout_targets (rollout_id, device_id, stage, state, updated_at, previous_version, "
        + "previous_digest, previous_rollout) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rolloutId, deviceId, stage, state.name(),
        now.toEpochMilli(), previous.map(Assignment::version).orElse(null), previous.map(Assignment::digest).orElse(null),
        previous.map(Assignment::rolloutId).orElse(null));
  }

  @Override
  public Optional<RolloutStatus> lock(long id) {
    return tx.first("SELECT status FROM rollouts WHERE id = ?" + tx.dialect().forUpdate(),
        rs -> RolloutStatus.valueOf(rs.getString(1)), id);
  }

  @Override
  public Optional<RolloutStatus> status(long id) {
    return tx.first("SELECT status FROM rollouts WHERE id = ?", rs -> RolloutStatus.valueOf(rs.getString(1)), id);
  }

  @Override
  public Optional<Rollout> find(long id, int maxTargets) {
    return tx.first("SELECT " + COLUMNS + " FROM rollouts WHERE id = ?", SqlRolloutStore::row, id)
        .map(r -> r.withDetails(countsView(counts(id)), maxTargets > 0 ? targets(id, null, maxTargets) : null, history(id)));
  }

  @Override
  public List<Rollout> list(RolloutFilter filter, Long beforeId, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM rollouts WHERE id < ?");
    List<Object> args = new ArrayList<>(List.of(beforeId == null ? Long.MAX_VALUE : beforeId));
    if (filter.status() != null) {
      sql.append(" AND status = ?");
      args.add(filter.status().name());
    }
    if (filter.model() != null) {
      sql.append(" AND model = ?");
      args.add(filter.model());
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(limit);
    return tx.query(sql.toString(), SqlRolloutStore::row, args.toArray()).stream()
        .map(r -> r.withDetails(countsView(counts(r.id())), null, null)).toList();
  }

  @Override
  public Optional<TargetState> targetState(long rolloutId, String deviceId) {
    return tx.first("SELECT state FROM rollout_targets WHERE rollout_id = ? AND device_id = ?",
        rs -> TargetState.valueOf(rs.getString(1)), rolloutId, deviceId);
  }

  @Override
  public void updateTarget(long rolloutId, String deviceId, TargetState state, String reason, String details, Instant now) {
    tx.update("UPDATE rollout_targets SET state = ?, reason = ?, details = ?, updated_at = ? WHERE rollout_id = ? AND device_id = ?",
        state.name(), reason, details, now.toEpochMilli(), rolloutId, deviceId);
  }

  @Override
  public Map<TargetState, Integer> counts(long rolloutId) {
    Map<TargetState, Integer> counts = new EnumMap<>(TargetState.class);
    for (TargetState s : TargetState.values()) {
      counts.put(s, 0);
    }
    tx.query("SELECT state, COUNT(*) FROM rollout_targets WHERE rollout_id = ? GROUP BY state",
        rs -> counts.put(TargetState.valueOf(rs.getString(1)), rs.getInt(2)), rolloutId);
    return counts;
  }

  @Override
  public void setStatus(long rolloutId, RolloutStatus status, Instant now) {
    tx.update("UPDATE rollouts SET status = ?, updated_at = ? WHERE id = ?", status.name(), now.toEpochMilli(), rolloutId);
  }

  @Override
  public void setStage(long rolloutId, int stage, Instant now) {
    tx.update("UPDATE rollouts SET stage = ?, stage_started_at = ?, updated_at = ? WHERE id = ?", stage, now.toEpochMilli(),
        now.toEpochMilli(), rolloutId);
  }

  @Override
  public void addHistory(long rolloutId, HistoryEntry e) {
    tx.update("INSERT INTO rollout_history (rollout_id, at, event, status, stage, reason) VALUES (?, ?, ?, ?, ?, ?)", rolloutId,
        e.at().toEpochMilli(), e.event().name(), e.status().name(), e.stage(), e.reason());
  }

  private List<HistoryEntry> history(long rolloutId) {
    return tx.query("SELECT at, event, status, stage, reason FROM rollout_history WHERE rollout_id = ? ORDER BY id",
        rs -> new HistoryEntry(Instant.ofEpochMilli(rs.getLong(1)), RolloutEvent.valueOf(rs.getString(2)),
            RolloutStatus.valueOf(rs.getString(3)), rs.getInt(4), rs.getString(5)), rolloutId);
  }

  @Override
  public List<Long> withStatus(RolloutStatus status) {
    return tx.query("SELECT id FROM rollouts WHERE status = ? ORDER BY id", rs -> rs.getLong(1), status.name());
  }

  @Override
  public List<Rollout> active() {
    return tx.query("SELECT " + COLUMNS + " FROM rollouts WHERE status IN " + ACTIVE + " ORDER BY id", SqlRolloutStore::row);
  }

  @Override
  public List<TouchedTarget> touched(long rolloutId) {
    return tx.query("SELECT t.device_id, t.state, t.previous_version, t.previous_digest, t.previous_rollout, r.model "
        + "FROM rollout_targets t JOIN rollouts r ON r.id = t.rollout_id WHERE t.rollout_id = ? AND t.state NOT IN (?, ?) "
        + "ORDER BY t.device_id", rs -> {
          int version = rs.getInt(3);
          Optional<Assignment> previous = rs.wasNull() ? Optional.empty()
              : Optional.of(new Assignment(rs.getString(6), version, rs.getString(4), rs.getLong(5)));
          return new TouchedTarget(rs.getString(1), TargetState.valueOf(rs.getString(2)), previous);
        }, rolloutId, TargetState.SKIPPED.name(), TargetState.SUPERSEDED.name());
  }

  @Override
  public Set<String> targetDevices(long rolloutId) {
    return new HashSet<>(tx.query("SELECT device_id FROM rollout_targets WHERE rollout_id = ?", rs -> rs.getString(1), rolloutId));
  }

  @Override
  public List<Rollout> skipping(String deviceId) {
    return tx.query("SELECT " + COLUMNS + " FROM rollouts WHERE id IN (SELECT rollout_id FROM rollout_targets "
        + "WHERE device_id = ? AND state = ?) ORDER BY id DESC", SqlRolloutStore::row, deviceId, TargetState.SKIPPED.name());
  }

  @Override
  public Set<String> devicesIn(TargetState state) {
    return new HashSet<>(tx.query("SELECT DISTINCT device_id FROM rollout_targets WHERE state = ?", rs -> rs.getString(1),
        state.name()));
  }

  @Override
  public List<Long> running(String model, int version) {
    return tx.query("SELECT id FROM rollouts WHERE model = ? AND version = ? AND status IN " + ACTIVE + " ORDER BY id",
        rs -> rs.getLong(1), model, version);
  }

  @Override
  public List<RolloutTarget> targets(long rolloutId, String afterDevice, int limit) {
    return tx.query("SELECT device_id, stage, state, reason, details, updated_at FROM rollout_targets "
        + "WHERE rollout_id = ? AND device_id > ? ORDER BY device_id LIMIT ?", rs -> new RolloutTarget(rs.getString(1),
            rs.getInt(2), TargetState.valueOf(rs.getString(3)), rs.getString(4), rs.getString(5),
            Instant.ofEpochMilli(rs.getLong(6))), rolloutId, afterDevice == null ? "" : afterDevice, limit);
  }

  // Rows from before staged rollouts have no plan: they are all-at-once, their one stage started at creation.
  private static Rollout row(ResultSet rs) throws SQLException {
    String plan = rs.getString(8);
    long stageStarted = rs.getLong(11);
    Instant created = Instant.ofEpochMilli(rs.getLong(12));
    return new Rollout(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5), rs.getString(6),
        plan == null ? StrategySpec.ALL_AT_ONCE : StrategySpec.fromJson(plan), RolloutStatus.valueOf(rs.getString(9)),
        rs.getInt(10), rs.wasNull() ? created : Instant.ofEpochMilli(stageStarted), created, Instant.ofEpochMilli(rs.getLong(13)),
        null, null, null, null);
  }

  private static Map<String, Integer> countsView(Map<TargetState, Integer> counts) {
    Map<String, Integer> view = new LinkedHashMap<>();
    int total = 0;
    for (Map.Entry<TargetState, Integer> e : counts.entrySet()) {
      view.put(e.getKey().wireName(), e.getValue());
      total += e.getValue();
    }
    view.put("total", total);
    return view;
  }
}
