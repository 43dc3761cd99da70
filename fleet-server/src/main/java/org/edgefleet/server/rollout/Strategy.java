package org.edgefleet.server.rollout;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.edgefleet.server.FleetException;

/**
 * How a rollout reaches its targets. Each strategy is a sequence of stages; the stage a rollout is
 * in is stored, so canary, blue-green, shadow and A/B strategies can be added as new constants
 * with their own stage rules without changing how rollouts are stored.
 */
public enum Strategy {
  /** One stage holding every target: all devices get the new desired state at once. */
  ALL_AT_ONCE;

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
