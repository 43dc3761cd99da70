package org.edgefleet.server.rollout;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.edgefleet.server.FleetException;

/** The kinds of rollout strategy; {@link StrategySpec} holds a kind with its stages and gates. */
public enum Strategy {
  /** One stage holding every target: all devices get the new desired state at once. */
  ALL_AT_ONCE,
  /** Stages of growing shares of the cohort, each baked and gated on telemetry before the next. */
  CANARY,
  /** Every target stages the version as a candidate (not serving); all switch at once, and back at once on failure. */
  BLUE_GREEN,
  /** Targets run the version beside the active one on the same inputs; it serves once promoted. */
  SHADOW,
  /** Targets split their requests between the active version and the new one; outcomes compare the arms. */
  AB;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The strategy named in a request; absent means all-at-once. */
  public static Strategy parse(String name) {
    if (name == null || name.isBlank()) {
      return ALL_AT_ONCE;
    }
    for (Strategy s : values()) {
      if (s.wireName().equals(name)) {
        return s;
      }
    }
    throw FleetException.invalid("unsupported_strategy", "strategy '" + name + "' is not supported; supported: "
        + Arrays.stream(values()).map(Strategy::wireName).collect(Collectors.joining(", ")));
  }
}
