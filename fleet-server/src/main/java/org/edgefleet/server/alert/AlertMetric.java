package org.edgefleet.server.alert;

import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.edgefleet.server.FleetException;

/**
 * What an alert rule watches: on one model version within its cohort, over the rule's window; or,
 * for {@link #CERTIFICATE_DAYS_LEFT}, on each of the server's own certificates.
 */
public enum AlertMetric {
  /** p95 of the devices' latency histograms merged (never an average of percentiles), in milliseconds. */
  LATENCY_P95_MS(0, Double.MAX_VALUE),
  /** Errors per inference, from 0 to 1. */
  ERROR_RATE(0, 1.0),
  /** Inferences whose outputs held NaN or infinity, out of those the agents checked, from 0 to 1. */
  INVALID_OUTPUT_RATE(0, 1.0),
  /**
   * Where the version runs as a shadow: the share of runs compared by top class whose top class
   * differed from the active version's, from 0 to 1.
   */
  SHADOW_DISAGREEMENT(0, 1.0),
  /** The largest PSI of the version's input features against its reference statistics. */
  DRIFT_PSI(0, 1000.0),
  /**
   * The highest load average (1.0 = one core busy) any device of the cohort that reported the version
   * sent in the window: the maximum, because the minute and hour buckets keep it exactly (a percentile
   * over devices could not be merged from them), and one overloaded device is what an operator must see.
   */
  CPU_LOAD(0, 1024),
  /** The highest board temperature in degrees Celsius any device of the cohort that reported the version sent in the window. */
  TEMPERATURE_C(-273.15, 1000),
  /**
   * Days until a certificate of this server (the fleet CA, the broker's) expires, negative once it
   * has: the alert fires when it goes below the threshold. A rule of it names no model; each
   * certificate has an alert of its own, the certificate's name in the alert's {@code model}.
   */
  CERTIFICATE_DAYS_LEFT(-36_500, 36_500, true);

  private final double minThreshold;
  private final double maxThreshold;
  private final boolean firesBelow;

  // The bounds are those of the measure itself (for resources, what telemetry validation accepts).
  AlertMetric(double minThreshold, double maxThreshold) {
    this(minThreshold, maxThreshold, false);
  }

  AlertMetric(double minThreshold, double maxThreshold, boolean firesBelow) {
    this.minThreshold = minThreshold;
    this.maxThreshold = maxThreshold;
    this.firesBelow = firesBelow;
  }

  /** Whether it watches the server's certificates rather than a model's versions. */
  public boolean ofCertificates() {
    return this == CERTIFICATE_DAYS_LEFT;
  }

  /** Whether the value is on the wrong side of the threshold; no value never is. */
  boolean breaches(Double value, double threshold) {
    return value != null && (firesBelow ? value < threshold : value > threshold);
  }

  /** "above" or "below", for summaries. */
  String side() {
    return firesBelow ? "below" : "above";
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
    if (!Double.isFinite(threshold) || threshold < minThreshold || threshold > maxThreshold) {
      throw FleetException.invalid("bad_threshold", "threshold of " + wireName() + " must be a number from " + plain(minThreshold) + " to "
          + (maxThreshold == Double.MAX_VALUE ? "any finite value" : plain(maxThreshold)) + ", was " + threshold);
    }
  }

  private static String plain(double bound) {
    return BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
  }

  static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }
}
