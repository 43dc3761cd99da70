package org.edgefleet.server.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.edgefleet.server.drift.DriftLevel;

/**
 * The drift gate of a staged rollout: the new version's live inputs on the touched devices must
 * stay within {@code maxPsi} of its manifest's reference statistics, feature by feature, over the
 * last {@code windowSeconds} of the current stage (since it started, or since the rollout was
 * last resumed). A feature at or above it pauses the rollout; too few values to tell never do.
 */
public record DriftGate(double maxPsi, long windowSeconds) {

  public static final long DEFAULT_WINDOW_SECONDS = 3600;

  public DriftGate {
    GateSpec.check(maxPsi > 0 && maxPsi <= 100, "drift.maxPsi", "above 0 and at most 100 (0.25 is the alert level)");
    GateSpec.check(windowSeconds >= 1 && windowSeconds <= 30L * 24 * 3600, "drift.windowSeconds", "between 1 and 2592000");
  }

  /** A request's drift gate: {@code maxPsi} defaults to the alert level, {@code windowSeconds} to an hour. */
  @JsonCreator
  static DriftGate of(@JsonProperty("maxPsi") Double maxPsi, @JsonProperty("windowSeconds") Long windowSeconds) {
    return new DriftGate(maxPsi == null ? DriftLevel.ALERT_PSI : maxPsi, windowSeconds == null ? DEFAULT_WINDOW_SECONDS : windowSeconds);
  }
}
