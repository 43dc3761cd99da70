package org.edgefleet.server.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.experiment.AbComparison;

/**
 * An A/B test of the new version (arm B) against the active one (arm A) on every target: each
 * device sends {@code share} of its requests to arm B by a stable hash of the request id. The
 * sample size per arm is fixed before the test starts, given outright or from the outcomes'
 * standard deviation and the smallest difference worth finding, and the arms are judged only once
 * both reached it (no verdict from peeking at early data).
 *
 * @param plannedPerArm outcomes each arm needs before the difference is judged
 */
public record AbSpec(double share, long plannedPerArm) {

  static final long MAX_PLANNED = 1_000_000_000L;

  public AbSpec {
    if (!(share > 0 && share < 1)) {
      throw FleetException.invalid("bad_ab", "\"ab.share\" (the requests arm B serves) must be above 0 and below 1, was " + share);
    }
    if (plannedPerArm < 2 || plannedPerArm > MAX_PLANNED) {
      throw FleetException.invalid("bad_ab", "\"ab.plannedPerArm\" must be between 2 and " + MAX_PLANNED + ", was " + plannedPerArm);
    }
  }

  /**
   * A request's A/B options: {@code share} (default 0.5) and either {@code plannedPerArm} or both
   * {@code outcomeSd} and {@code minEffect} (80 % power at 95 %). {@code split} may only be
   * {@code request}: agents record outcomes only while an arm runs beside the active version.
   */
  @JsonCreator
  static AbSpec of(@JsonProperty("share") Double share, @JsonProperty("split") String split,
      @JsonProperty("plannedPerArm") Long plannedPerArm, @JsonProperty("outcomeSd") Double outcomeSd,
      @JsonProperty("minEffect") Double minEffect) {
    if (split != null && !split.equals("request")) {
      throw FleetException.invalid("bad_ab", "\"ab.split\" '" + split + "' is not supported: use \"request\" (each device splits"
          + " its requests by a stable hash of the request id; agents record outcomes only beside a running arm)");
    }
    if ((plannedPerArm == null) == (outcomeSd == null || minEffect == null) || plannedPerArm != null
        && (outcomeSd != null || minEffect != null)) {
      throw FleetException.invalid("bad_ab", "\"ab\" needs the sample size declared up front: either \"plannedPerArm\" or both"
          + " \"outcomeSd\" and \"minEffect\"");
    }
    long planned;
    if (plannedPerArm != null) {
      planned = plannedPerArm;
    } else if (outcomeSd > 0 && minEffect > 0 && Double.isFinite(outcomeSd) && Double.isFinite(minEffect)) {
      planned = Math.min(MAX_PLANNED + 1, AbComparison.plannedSampleSize(outcomeSd, minEffect));
    } else {
      throw FleetException.invalid("bad_ab", "\"ab.outcomeSd\" and \"ab.minEffect\" must be finite and above 0");
    }
    return new AbSpec(share == null ? 0.5 : share, planned);
  }
}
