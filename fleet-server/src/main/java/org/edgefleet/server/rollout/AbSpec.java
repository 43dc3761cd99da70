package org.edgefleet.server.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.cohort.StableHash;
import org.edgefleet.server.experiment.AbComparison;

/**
 * An A/B test of the new version (arm B) against the active one (arm A). Split by request, each
 * target sends {@code share} of its requests to arm B by a stable hash of the request id; split by
 * device, {@code share} of the targets serve arm B alone, by a stable hash of device and rollout.
 * The sample size per arm is fixed before the test starts, given outright or from the outcomes'
 * standard deviation and the smallest difference worth finding, and the arms are judged only once
 * both reached it (no verdict from peeking at early data).
 *
 * @param share the requests (split by request) or the targets (split by device) arm B serves
 * @param plannedPerArm outcomes each arm needs before the difference is judged
 */
public record AbSpec(double share, AbSplit split, long plannedPerArm) {

  static final long MAX_PLANNED = 1_000_000_000L;

  public AbSpec {
    if (split == null) {
      throw new IllegalArgumentException("an A/B plan needs its split");
    }
    if (!(share > 0 && share < 1)) {
      throw FleetException.invalid("bad_ab", "\"ab.share\" (the " + (split == AbSplit.DEVICE ? "devices" : "requests")
          + " arm B serves) must be above 0 and below 1, was " + share);
    }
    if (plannedPerArm < 2 || plannedPerArm > MAX_PLANNED) {
      throw FleetException.invalid("bad_ab", "\"ab.plannedPerArm\" must be between 2 and " + MAX_PLANNED + ", was " + plannedPerArm);
    }
  }

  /**
   * A request's A/B options: {@code share} (default 0.5), {@code split} ({@code request}, the
   * default, or {@code device}) and either {@code plannedPerArm} or both {@code outcomeSd} and
   * {@code minEffect} (80 % power at 95 %).
   */
  @JsonCreator
  static AbSpec of(@JsonProperty("share") Double share, @JsonProperty("split") String split,
      @JsonProperty("plannedPerArm") Long plannedPerArm, @JsonProperty("outcomeSd") Double outcomeSd,
      @JsonProperty("minEffect") Double minEffect) {
    AbSplit how = AbSplit.parse(split);
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
    return new AbSpec(share == null ? 0.5 : share, how, planned);
  }

  /** Whether a target of the rollout serves arm B alone (split by device); the same answer on every evaluation. */
  boolean inArmB(String deviceId, long rolloutId) {
    return StableHash.inShare(deviceId, rolloutId, (int) Math.round(share * StableHash.BUCKETS));
  }
}
