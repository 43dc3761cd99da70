package org.edgefleet.server.alert;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import org.edgefleet.protocol.config.DurationText;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.cohort.Selector;

/**
 * A rule: the metric of a model version (or of each registered version when {@code version} is
 * null) on the devices its cohort selects goes above the threshold over the window and stays
 * above for {@code forDuration}, e.g. p95 latency above 50 ms for 2 minutes; PSI above 0.25. A rule
 * of {@link AlertMetric#CERTIFICATE_DAYS_LEFT} has no model: fewer than 14 days left on any of the
 * server's certificates.
 */
public record AlertRule(String name, AlertMetric metric, String model, Integer version, Selector cohort, double threshold,
    @JsonProperty("for") @JsonSerialize(using = DurationTextJson.class) Duration forDuration,
    @JsonSerialize(using = DurationTextJson.class) Duration window, Instant createdAt, Instant updatedAt) {

  static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?");
  static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  static final Duration MAX_FOR = Duration.ofDays(1);
  static final Duration MIN_WINDOW = Duration.ofSeconds(10);
  static final Duration MAX_WINDOW = Duration.ofDays(1);
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

  public AlertRule {
    if (name == null || !NAME.matcher(name).matches()) {
      throw FleetException.invalid("bad_rule_name", "rule name '" + AlertMetric.abbreviate(String.valueOf(name))
          + "' must be 1 to 63 lower-case letters, digits, '.', '_' or '-', starting and ending with a letter or digit");
    }
    if (metric == null) {
      throw FleetException.invalid("bad_metric", "a rule needs \"metric\"");
    }
    if (metric.ofCertificates()) {
      if (model != null || version != null || cohort != null && !cohort.isAll()) {
        throw FleetException.invalid("bad_scope", metric.wireName() + " watches every certificate of the server: a rule of it"
            + " takes no model, version or cohort");
      }
    } else if (model == null || !MODEL.matcher(model).matches()) {
      throw FleetException.invalid("bad_model", "model '" + AlertMetric.abbreviate(String.valueOf(model))
          + "' must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    if (version != null && version < 1) {
      throw FleetException.invalid("bad_version", "version must be at least 1, or left out to watch every version; was " + version);
    }
    cohort = cohort == null ? Selector.ALL : cohort;
    metric.checkThreshold(threshold);
    forDuration = forDuration == null ? Duration.ZERO : forDuration;
    if (forDuration.isNegative() || forDuration.compareTo(MAX_FOR) > 0) {
      throw FleetException.invalid("bad_for", "for must be from 0s to " + DurationText.format(MAX_FOR) + ", was "
          + DurationText.format(forDuration));
    }
    window = window == null ? DEFAULT_WINDOW : window;
    if (window.compareTo(MIN_WINDOW) < 0 || window.compareTo(MAX_WINDOW) > 0) {
      throw FleetException.invalid("bad_window", "window must be from " + DurationText.format(MIN_WINDOW) + " to "
          + DurationText.format(MAX_WINDOW) + ", was " + DurationText.format(window));
    }
  }

  /** Where the rule looks, in words: "model m version 3 in cohort region=eu". */
  String where(int v) {
    return "model " + model + " version " + v + (cohort.isAll() ? " on every device" : " in cohort " + cohort);
  }
}
