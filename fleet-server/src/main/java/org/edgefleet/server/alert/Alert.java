package org.edgefleet.server.alert;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * An alert: what (the rule's metric against its threshold), where (model, version, cohort; for a
 * certificate rule the certificate's name in {@code model}, version 0) and
 * since when. Its fields are snapshots of the rule when it became pending, so changing the rule
 * later does not rewrite history.
 *
 * @param value the metric's value at the last evaluation while the alert was open
 * @param firingSince when the condition had held for the rule's duration, or null while pending
 * @param resolvedAt when the condition stopped holding, or null while open
 */
public record Alert(long id, String rule, AlertMetric metric, String model, int version, String cohort, double threshold,
    AlertState state, Double value, Instant pendingSince, Instant firingSince, Instant resolvedAt, Instant updatedAt) {

  /** One line for people: "latency_p95_ms of model m version 2 on every device is 72.5, above 50.0 since ...". */
  @JsonProperty("summary")
  public String summary() {
    String where = metric.ofCertificates() ? "certificate " + model
        : "model " + model + " version " + version + (cohort.isEmpty() ? " on every device" : " in cohort " + cohort);
    String since = firingSince != null ? firingSince.toString() : pendingSince.toString();
    String side = metric.side();
    return switch (state) {
      case PENDING -> metric.wireName() + " of " + where + " is " + value + ", " + side + " " + threshold + " since " + since
          + " (pending)";
      case FIRING -> metric.wireName() + " of " + where + " is " + value + ", " + side + " " + threshold + " since " + since;
      case RESOLVED -> metric.wireName() + " of " + where + " was " + side + " " + threshold + " from " + since + " to " + resolvedAt;
    };
  }
}
