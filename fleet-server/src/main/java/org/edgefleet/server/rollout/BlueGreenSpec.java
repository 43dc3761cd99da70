package org.edgefleet.server.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.edgefleet.server.FleetException;

/**
 * How a blue-green rollout switches: once {@code switchAtPercent} of its targets hold the new
 * version staged as a candidate (downloaded, verified, self-tested, not serving), every target
 * switches to it at once; the gates then watch it for {@code bakeSeconds}, and a failing gate
 * switches every target back at once.
 */
public record BlueGreenSpec(double switchAtPercent, long bakeSeconds) {

  public static final BlueGreenSpec DEFAULT = new BlueGreenSpec(100, 600);

  public BlueGreenSpec {
    if (!(switchAtPercent > 0) || switchAtPercent > 100) {
      throw FleetException.invalid("bad_blue_green", "\"blueGreen.switchAtPercent\" must be above 0 and at most 100, was "
          + switchAtPercent);
    }
    if (bakeSeconds < 0 || bakeSeconds > StageSpec.MAX_BAKE_SECONDS) {
      throw FleetException.invalid("bad_blue_green", "\"blueGreen.bakeSeconds\" must be between 0 and "
          + StageSpec.MAX_BAKE_SECONDS + ", was " + bakeSeconds);
    }
  }

  /** A request's blue-green options: any field left out takes its default. */
  @JsonCreator
  static BlueGreenSpec of(@JsonProperty("switchAtPercent") Double switchAtPercent, @JsonProperty("bakeSeconds") Long bakeSeconds) {
    return new BlueGreenSpec(switchAtPercent == null ? DEFAULT.switchAtPercent : switchAtPercent,
        bakeSeconds == null ? DEFAULT.bakeSeconds : bakeSeconds);
  }
}
