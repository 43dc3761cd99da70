package org.edgefleet.server.alert;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Alert rules, alerts and their webhook deliveries. Opened on one transaction, used inside it only. */
public interface AlertStore {

  /** A webhook POST waiting to be made (or made again). */
  record Delivery(long alertId, AlertState state, String webhook, String payload, int attempts) {}

  /** Saves a rule; true when it is new. */
  boolean save(AlertRule rule);

  Optional<AlertRule> rule(String name);

  List<AlertRule> rules(String afterName, int limit);

  boolean deleteRule(String name);

  /** The open (pending or firing) alert of a rule on one model version, if any. */
  Optional<Alert> open(String rule, String model, int version);

  /** Every open alert. */
  List<Alert> open();

  /** Inserts a pending or firing alert and returns it with its id. */
  Alert insert(Alert alert);

  /** Writes an alert's state, value and times. */
  void update(Alert alert);

  /** Drops a pending alert whose condition stopped before it fired. */
  void deletePending(long id);

  /** Alerts in the given states, newest first, with an id below {@code beforeId}. */
  List<Alert> alerts(List<AlertState> states, long beforeId, int limit);

  /** Deletes resolved alerts (and their deliveries) resolved before the time; returns how many. */
  int expireResolved(Instant before);

  /** Adds a delivery, due at once. */
  void enqueue(Delivery delivery);

  /** Deliveries due at the time, oldest first. */
  List<Delivery> due(Instant now, int limit);

  void delivered(Delivery delivery);

  void retryAt(Delivery delivery, Instant next);

  void gaveUp(Delivery delivery);
}
