package org.edgefleet.server.rollout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@link RolloutStore} on SQLite. */
public final class SqliteRolloutStore implements RolloutStore {

  private static final String COLUMNS = "id, model, version, digest, selector, strategy, status, stage, created_at, updated_at";

  private final Connection c;

  public SqliteRolloutStore(Connection connection) {
    this.c = connection;
  }

  @Override
  public long create(String model, int version, String digest, String selector, Strategy strategy, RolloutStatus status,
      Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollouts (model, version, digest, selector, strategy, status, "
        + "stage, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, model);
      ps.setInt(2, version);
      ps.setString(3, digest);
      ps.setString(4, selector);
      ps.setString(5, strategy.name());
      ps.setString(6, status.name());
      ps.setLong(7, now.toEpochMilli());
      ps.setLong(8, now.toEpochMilli());
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  @Override
  public void addTarget(long rolloutId, String deviceId, int stage, TargetState state, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO rollout_targets (rollout_id, device_id, stage, state, updated_at) VALUES (?, ?, ?, ?, ?)")) {
      ps.setLong(1, rolloutId);
      ps.setString(2, deviceId);
      ps.setInt(3, stage);
      ps.setString(4, state.name());
      ps.setLong(5, now.toEpochMilli());
      ps.executeUpdate();
    }
  }

  @Override
  public Optional<Rollout> find(long id, boolean withTargets) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM rollouts WHERE id = ?")) {
      ps.setLong(1, id);
      List<Rollout> found = read(ps, withTargets);
      return found.stream().findFirst();
    }
  }

  @Override
  public List<Rollout> list() throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM rollouts ORDER BY id DESC")) {
      return read(ps, false);
    }
  }

  @Override
  public Optional<TargetState> targetState(long rolloutId, String deviceId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT state FROM rollout_targets WHERE rollout_id = ? AND device_id = ?")) {
      ps.setLong(1, rolloutId);
      ps.setString(2, deviceId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(TargetState.valueOf(rs.getString(1))) : Optional.empty();
      }
    }
  }

  @Override
  public void updateTarget(long rolloutId, String deviceId, TargetState state, String reason, String details, Instant now)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE rollout_targets SET state = ?, reason = ?, details = ?, "
        + "updated_at = ? WHERE rollout_id = ? AND device_id = ?")) {
      ps.setString(1, state.name());
      ps.setString(2, reason);
      ps.setString(3, details);
      ps.setLong(4, now.toEpochMilli());
      ps.setLong(5, rolloutId);
      ps.setString(6, deviceId);
      ps.executeUpdate();
    }
  }

  @Override
  public Map<TargetState, Integer> counts(long rolloutId) throws SQLException {
    Map<TargetState, Integer> counts = new EnumMap<>(TargetState.class);
    for (TargetState s : TargetState.values()) {
      counts.put(s, 0);
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT state, COUNT(*) FROM rollout_targets WHERE rollout_id = ? GROUP BY state")) {
      ps.setLong(1, rolloutId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(TargetState.valueOf(rs.getString(1)), rs.getInt(2));
        }
      }
    }
    return counts;
  }

  @Override
  public void setStatus(long rolloutId, RolloutStatus status, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE rollouts SET status = ?, updated_at = ? WHERE id = ?")) {
      ps.setString(1, status.name());
      ps.setLong(2, now.toEpochMilli());
      ps.setLong(3, rolloutId);
      ps.executeUpdate();
    }
  }

  @Override
  public List<Long> withStatus(RolloutStatus status) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM rollouts WHERE status = ? ORDER BY id")) {
      ps.setString(1, status.name());
      return ids(ps);
    }
  }

  @Override
  public List<Long> running(String model, int version) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM rollouts WHERE model = ? AND version = ? AND status = ? ORDER BY id")) {
      ps.setString(1, model);
      ps.setInt(2, version);
      ps.setString(3, RolloutStatus.RUNNING.name());
      return ids(ps);
    }
  }

  private static List<Long> ids(PreparedStatement ps) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  private List<Rollout> read(PreparedStatement ps, boolean withTargets) throws SQLException {
    List<Rollout> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long id = rs.getLong(1);
        out.add(new Rollout(id, rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5),
            Strategy.valueOf(rs.getString(6)), RolloutStatus.valueOf(rs.getString(7)), rs.getInt(8),
            Instant.ofEpochMilli(rs.getLong(9)), Instant.ofEpochMilli(rs.getLong(10)), null, null));
      }
    }
    List<Rollout> complete = new ArrayList<>(out.size());
    for (Rollout r : out) {
      complete.add(new Rollout(r.id(), r.model(), r.version(), r.digest(), r.selector(), r.strategy(), r.status(), r.stage(),
          r.createdAt(), r.updatedAt(), countsView(counts(r.id())), withTargets ? targets(r.id()) : null));
    }
    return complete;
  }

  private List<RolloutTarget> targets(long rolloutId) throws SQLException {
    List<RolloutTarget> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT device_id, state, reason, details, updated_at FROM rollout_targets WHERE rollout_id = ? ORDER BY device_id")) {
      ps.setLong(1, rolloutId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new RolloutTarget(rs.getString(1), TargetState.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4),
              Instant.ofEpochMilli(rs.getLong(5))));
        }
      }
    }
    return out;
  }

  private static Map<String, Integer> countsView(Map<TargetState, Integer> counts) {
    Map<String, Integer> view = new LinkedHashMap<>();
    int total = 0;
    for (Map.Entry<TargetState, Integer> e : counts.entrySet()) {
      view.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
      total += e.getValue();
    }
    view.put("total", total);
    return view;
  }
}
