package org.edgefleet.server.alert;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.edgefleet.server.FleetException;

/** What an alert rule watches on one model version within its cohort, over the rule's window. */
public enum AlertMetric {
  /** p95 of the devices' latency histograms merged (never an average of percentiles), in milliseconds. */
  LATENCY_P95_MS(Double.MAX_VALUE),
  /** Errors per inference, from 0 to 1. */
  ERROR_RATE(1.0),
  /** The largest PSI of the version's input features against its reference statistics. */
  DRIFT_PSI(1000.0);

  private final double maxThreshold;

  AlertMetric(double maxThreshold) {
    this.maxThreshold = maxThreshold;
  }

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The metric of a wire name, or a refusal that lists the known ones. */
  public static AlertMetric parse(String text) {
    for (AlertMetric m : values()) {
      if (m.wireName().equals(text)) {
        return m;
      }
    }
    throw FleetException.invalid("bad_metric", "metric " + (text == null ? "is missing" : "'" + abbreviate(text) + "' is unknown")
        + ": use one of " + Arrays.stream(values()).map(AlertMetric::wireName).collect(Collectors.joining(", ")));
  }

  /** Refuses a threshold the metric cannot cross. */
  void checkThreshold(double threshold) {
    if (!Double.isFinite(threshold) || threshold < 0 || threshold > maxThreshold) {
      throw FleetException.invalid("bad_threshold", "threshold of " + wireName() + " must be a number from 0 to "
          + (maxThreshold == Double.MAX_VALUE ? "any finite value" : maxThreshold) + ", was " + threshold);
    }
  }

  static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }
}
