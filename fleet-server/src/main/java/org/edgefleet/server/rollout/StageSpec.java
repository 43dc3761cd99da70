package org.edgefleet.server.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.server.cohort.StableHash;
import org.edgefleet.server.FleetException;

/**
 * One stage of a plan: the share of the cohort it covers (in percent, to two decimals), how long it
 * bakes before it may be promoted, and the role the version has on its devices (and on the earlier
 * stages' devices: entering a stage of another role switches them all at once). Canary stages are
 * active; blue-green, shadow and A/B plan their own stages with the other roles.
 */
public record StageSpec(double percent, long bakeSeconds, SlotRole role) {

  static final long MAX_BAKE_SECONDS = 30L * 24 * 3600;

  public StageSpec {
    if (!(percent > 0) || percent > 100 || Math.round(percent * 100) != percent * 100) {
      throw FleetException.invalid("bad_stage", "stage \"percent\" must be above 0 and at most 100 with at most two decimals, was "
          + percent);
    }
    if (bakeSeconds < 0 || bakeSeconds > MAX_BAKE_SECONDS) {
      throw FleetException.invalid("bad_stage", "stage \"bakeSeconds\" must be between 0 and " + MAX_BAKE_SECONDS + ", was "
          + bakeSeconds);
    }
    role = role == null ? SlotRole.ACTIVE : role;
  }

  /** A request's stage: {@code percent} is required, {@code bakeSeconds} defaults to 0 and {@code role} to active. */
  @JsonCreator
  static StageSpec of(@JsonProperty("percent") Double percent, @JsonProperty("bakeSeconds") Long bakeSeconds,
      @JsonProperty("role") SlotRole role) {
    if (percent == null) {
      throw FleetException.invalid("bad_stage", "every stage needs \"percent\", e.g. {\"percent\": 10, \"bakeSeconds\": 600}");
    }
    return new StageSpec(percent, bakeSeconds == null ? 0 : bakeSeconds, role);
  }

  /** The share as buckets of {@link StableHash}. */
  @JsonIgnore
  public int basisPoints() {
    return (int) Math.round(percent * 100);
  }

  @JsonIgnore
  public boolean isWhole() {
    return basisPoints() == StableHash.BUCKETS;
  }
}
