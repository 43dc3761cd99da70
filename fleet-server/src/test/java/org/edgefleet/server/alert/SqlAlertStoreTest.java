package org.edgefleet.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.edgefleet.server.cohort.Selector;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.StoreTest;

class SqlAlertStoreTest {

  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  @StoreTest
  void rulesRoundTripAndAnOptionalVersionStaysOptional(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      AlertRule every = new AlertRule("slow", AlertMetric.LATENCY_P95_MS, "m", null, Selector.parse("region=eu,hw in (a,b)"), 50,
          Duration.ofMinutes(2), null, T, T);
      AlertRule one = new AlertRule("drift", AlertMetric.DRIFT_PSI, "m", 3, null, 0.25, null, Duration.ofMinutes(30), T, T);
      assertThat(db.execute(tx -> new SqlAlertStore(tx).save(every)).join()).isTrue();
      assertThat(db.execute(tx -> new SqlAlertStore(tx).save(one)).join()).isTrue();
      assertThat(db.execute(tx -> new SqlAlertStore(tx).save(one)).join()).as("replayed: replaced").isFalse();

      List<AlertRule> rules = db.read(tx -> new SqlAlertStore(tx).rules(null, 10)).join();
      assertThat(rules).containsExactly(one, every);
      assertThat(rules.get(1).version()).isNull();
      assertThat(rules.get(1).cohort()).isEqualTo(Selector.parse("hw in (a,b),region=eu"));
      assertThat(db.read(tx -> new SqlAlertStore(tx).rules("drift", 10)).join()).containsExactly(every);
      assertThat(db.execute(tx -> new SqlAlertStore(tx).deleteRule("drift")).join()).isTrue();
      assertThat(db.execute(tx -> new SqlAlertStore(tx).deleteRule("drift")).join()).isFalse();
    }
  }

  /** A state change enqueued twice is one delivery; once delivered it is never due again. */
  @StoreTest
  void aDeliveryIsDueUntilDeliveredAndEnqueuedOnce(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      Alert firing = db.execute(tx -> new SqlAlertStore(tx).insert(new Alert(0, "slow", AlertMetric.ERROR_RATE, "m", 2, "", 0.1,
          AlertState.FIRING, 0.5, T, T, null, T))).join();
      assertThat(db.read(tx -> new SqlAlertStore(tx).open("slow", "m", 2)).join()).contains(firing);
      AlertStore.Delivery d = new AlertStore.Delivery(firing.id(), AlertState.FIRING, "http://127.0.0.1:9/hook", "{}", 0);
      db.execute(tx -> {
        new SqlAlertStore(tx).enqueue(d);
        new SqlAlertStore(tx).enqueue(d);
        return null;
      }).join();
      List<AlertStore.Delivery> due = db.read(tx -> new SqlAlertStore(tx).due(T, 10)).join();
      assertThat(due).containsExactly(d);

      db.execute(tx -> {
        new SqlAlertStore(tx).retryAt(d, T.plusSeconds(5));
        return null;
      }).join();
      assertThat(db.read(tx -> new SqlAlertStore(tx).due(T, 10)).join()).isEmpty();
      AlertStore.Delivery again = db.read(tx -> new SqlAlertStore(tx).due(T.plusSeconds(5), 10)).join().get(0);
      assertThat(again.attempts()).isEqualTo(1);
      db.execute(tx -> {
        new SqlAlertStore(tx).delivered(again);
        return null;
      }).join();
      assertThat(db.read(tx -> new SqlAlertStore(tx).due(T.plusSeconds(3600), 10)).join()).isEmpty();
    }
  }

  @StoreTest
  void alertsListNewestFirstByStateAndResolvedOnesExpire(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      Alert a = insert(db, AlertState.FIRING, null);
      Alert b = insert(db, AlertState.RESOLVED, T.plusSeconds(60));
      Alert c = insert(db, AlertState.PENDING, null);
      assertThat(db.read(tx -> new SqlAlertStore(tx).alerts(AlertService.SHOWN, Long.MAX_VALUE, 10)).join()).containsExactly(b, a);
      assertThat(db.read(tx -> new SqlAlertStore(tx).alerts(AlertService.SHOWN, b.id(), 10)).join()).containsExactly(a);
      assertThat(db.read(tx -> new SqlAlertStore(tx).open()).join()).containsExactly(a, c);
      db.execute(tx -> {
        new SqlAlertStore(tx).enqueue(new AlertStore.Delivery(b.id(), AlertState.RESOLVED, "http://h/x", "{}", 0));
        return null;
      }).join();

      assertThat(db.execute(tx -> new SqlAlertStore(tx).expireResolved(T.plusSeconds(61))).join()).isEqualTo(1);
      assertThat(db.read(tx -> tx.number("SELECT COUNT(*) FROM alert_deliveries", -1)).join()).isZero();
      db.execute(tx -> {
        new SqlAlertStore(tx).deletePending(c.id());
        new SqlAlertStore(tx).deletePending(a.id());
        return null;
      }).join();
      assertThat(db.read(tx -> new SqlAlertStore(tx).open()).join()).as("only pending ones are dropped").containsExactly(a);
    }
  }

  private static Alert insert(Database db, AlertState state, Instant resolvedAt) {
    return db.execute(tx -> new SqlAlertStore(tx).insert(new Alert(0, "r", AlertMetric.DRIFT_PSI, "m", 1, "hw=rpi", 0.25, state,
        state == AlertState.PENDING ? 0.3 : null, T, state == AlertState.PENDING ? null : T, resolvedAt, T))).join();
  }
}
