package org.edgefleet.server.alert;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.edgefleet.server.cohort.Selector;
import org.edgefleet.server.store.Transaction;

/** {@link AlertStore} in SQL that SQLite and PostgreSQL both run. */
public final class SqlAlertStore implements AlertStore {

  // A certificate rule names no model; the column is NOT NULL.
  private static final String NO_MODEL = "";
  private static final String RULE_COLUMNS = "name, metric, model, version, cohort, threshold, for_ms, window_ms, created_at, "
      + "updated_at";
  private static final String ALERT_COLUMNS = "id, rule, metric, model, version, cohort, threshold, state, value, "
      + "pending_since, firing_since, resolved_at, updated_at";
  private static final String PENDING = "PENDING";
  private static final String DELIVERED = "DELIVERED";
  private static final String FAILED = "FAILED";

  private final Transaction tx;

  public SqlAlertStore(Transaction tx) {
    this.tx = tx;
  }

  @Override
  public boolean save(AlertRule r) {
    boolean isNew = rule(r.name()).isEmpty();
    tx.update("INSERT INTO alert_rules (" + RULE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE "
        + "SET metric = excluded.metric, model = excluded.model, version = excluded.version, cohort = excluded.cohort, "
        + "threshold = excluded.threshold, for_ms = excluded.for_ms, window_ms = excluded.window_ms, "
        + "updated_at = excluded.updated_at", r.name(), r.metric().wireName(), r.model() == null ? NO_MODEL : r.model(), r.version(), r.cohort().toString(),
        r.threshold(), r.forDuration().toMillis(), r.window().toMillis(), r.createdAt().toEpochMilli(),
        r.updatedAt().toEpochMilli());
    return isNew;
  }

  @Override
  public Optional<AlertRule> rule(String name) {
    return tx.first("SELECT " + RULE_COLUMNS + " FROM alert_rules WHERE name = ?", SqlAlertStore::rule, name);
  }

  @Override
  public List<AlertRule> rules(String afterName, int limit) {
    return tx.query("SELECT " + RULE_COLUMNS + " FROM alert_rules WHERE name > ? ORDER BY name LIMIT ?", SqlAlertStore::rule,
        afterName == null ? "" : afterName, limit);
  }

  @Override
  public boolean deleteRule(String name) {
    return tx.update("DELETE FROM alert_rules WHERE name = ?", name) > 0;
  }

  @Override
  public Optional<Alert> open(String rule, String model, int version) {
    return tx.first("SELECT " + ALERT_COLUMNS + " FROM alerts WHERE rule = ? AND model = ? AND version = ? AND state IN (?, ?)"
        + tx.dialect().forUpdate(), SqlAlertStore::alert, rule, model, version, AlertState.PENDING.name(), AlertState.FIRING.name());
  }

  @Override
  public List<Alert> open() {
    return tx.query("SELECT " + ALERT_COLUMNS + " FROM alerts WHERE state IN (?, ?) ORDER BY id", SqlAlertStore::alert,
        AlertState.PENDING.name(), AlertState.FIRING.name());
  }

  @Override
  public Alert insert(Alert a) {
    long id = tx.number("INSERT INTO alerts (rule, metric, model, version, cohort, threshold, state, value, pending_since, "
        + "firing_since, resolved_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", 0, a.rule(),
        a.metric().wireName(), a.model(), a.version(), a.cohort(), a.threshold(), a.state().name(), a.value(),
        millis(a.pendingSince()), millis(a.firingSince()), millis(a.resolvedAt()), millis(a.updatedAt()));
    return new Alert(id, a.rule(), a.metric(), a.model(), a.version(), a.cohort(), a.threshold(), a.state(), a.value(),
        a.pendingSince(), a.firingSince(), a.resolvedAt(), a.updatedAt());
  }

  @Override
  public void update(Alert a) {
    tx.update("UPDATE alerts SET state = ?, value = ?, firing_since = ?, resolved_at = ?, updated_at = ? WHERE id = ?",
        a.state().name(), a.value(), millis(a.firingSince()), millis(a.resolvedAt()), millis(a.updatedAt()), a.id());
  }

  @Override
  public void deletePending(long id) {
    tx.update("DELETE FROM alerts WHERE id = ? AND state = ?", id, AlertState.PENDING.name());
  }

  @Override
  public List<Alert> alerts(List<AlertState> states, long beforeId, int limit) {
    Object[] args = new Object[states.size() + 2];
    for (int i = 0; i < states.size(); i++) {
      args[i] = states.get(i).name();
    }
    args[states.size()] = beforeId;
    args[states.size() + 1] = limit;
    return tx.query("SELECT " + ALERT_COLUMNS + " FROM alerts WHERE state IN (" + String.join(", ", Collections.nCopies(states.size(),
        "?")) + ") AND id < ? ORDER BY id DESC LIMIT ?", SqlAlertStore::alert, args);
  }

  @Override
  public int expireResolved(Instant before) {
    tx.update("DELETE FROM alert_deliveries WHERE alert_id IN (SELECT id FROM alerts WHERE state = ? AND resolved_at < ?)",
        AlertState.RESOLVED.name(), before.toEpochMilli());
    return tx.update("DELETE FROM alerts WHERE state = ? AND resolved_at < ?", AlertState.RESOLVED.name(), before.toEpochMilli());
  }

  @Override
  public void enqueue(Delivery d) {
    tx.update("INSERT INTO alert_deliveries (alert_id, state, webhook, payload, attempts, next_attempt, outcome) "
        + "VALUES (?, ?, ?, ?, 0, 0, ?) ON CONFLICT (alert_id, state, webhook) DO NOTHING", d.alertId(), d.state().name(),
        d.webhook(), d.payload(), PENDING);
  }

  @Override
  public List<Delivery> due(Instant now, int limit) {
    return tx.query("SELECT alert_id, state, webhook, payload, attempts FROM alert_deliveries WHERE outcome = ? AND next_attempt <= ? "
        + "ORDER BY next_attempt LIMIT ?", rs -> new Delivery(rs.getLong(1), AlertState.valueOf(rs.getString(2)), rs.getString(3),
            rs.getString(4), rs.getInt(5)), PENDING, now.toEpochMilli(), limit);
  }

  @Override
  public void delivered(Delivery d) {
    outcome(d, DELIVERED, 0);
  }

  @Override
  public void retryAt(Delivery d, Instant next) {
    tx.update("UPDATE alert_deliveries SET attempts = attempts + 1, next_attempt = ? WHERE alert_id = ? AND state = ? "
        + "AND webhook = ?", next.toEpochMilli(), d.alertId(), d.state().name(), d.webhook());
  }

  @Override
  public void gaveUp(Delivery d) {
    outcome(d, FAILED, 0);
  }

  private void outcome(Delivery d, String outcome, long next) {
    tx.update("UPDATE alert_deliveries SET attempts = attempts + 1, outcome = ?, next_attempt = ? WHERE alert_id = ? AND state = ? "
        + "AND webhook = ?", outcome, next, d.alertId(), d.state().name(), d.webhook());
  }

  private static AlertRule rule(ResultSet rs) throws SQLException {
    int version = rs.getInt(4);
    Integer v = rs.wasNull() ? null : version;
    String model = rs.getString(3);
    return new AlertRule(rs.getString(1), AlertMetric.parse(rs.getString(2)), NO_MODEL.equals(model) ? null : model, v,
        Selector.parse(rs.getString(5)),
        rs.getDouble(6), Duration.ofMillis(rs.getLong(7)), Duration.ofMillis(rs.getLong(8)), Instant.ofEpochMilli(rs.getLong(9)),
        Instant.ofEpochMilli(rs.getLong(10)));
  }

  private static Alert alert(ResultSet rs) throws SQLException {
    double value = rs.getDouble(9);
    Double v = rs.wasNull() ? null : value;
    return new Alert(rs.getLong(1), rs.getString(2), AlertMetric.parse(rs.getString(3)), rs.getString(4), rs.getInt(5),
        rs.getString(6), rs.getDouble(7), AlertState.valueOf(rs.getString(8)), v, instant(rs, 10), instant(rs, 11),
        instant(rs, 12), instant(rs, 13));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long t = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(t);
  }

  private static Long millis(Instant t) {
    return t == null ? null : t.toEpochMilli();
  }
}
