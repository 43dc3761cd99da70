package org.edgefleet.bench.report;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One measured figure of EdgeFleet next to its baseline from the same run. {@code goal} is null
 * for figures shown for context only.
 *
 * @param value EdgeFleet's figure
 * @param baseline the baseline's figure, in the same unit
 */
public record Outcome(String benchmark, String measure, String unit, double value, double baseline, Goal goal) {

  @JsonProperty
  public double ratio() {
    return value / baseline;
  }

  /** Whether the goal is met; null when there is no goal. */
  @JsonProperty
  public Boolean met() {
    return goal == null ? null : goal.metBy(value, ratio());
  }
}
