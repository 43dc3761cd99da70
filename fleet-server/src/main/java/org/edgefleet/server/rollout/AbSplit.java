package org.edgefleet.server.rollout;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.edgefleet.server.FleetException;

/** How an A/B test divides the traffic between its arms. */
public enum AbSplit {
  /**
   * Every target runs both arms and sends {@code share} of its requests to arm B by a stable hash
   * of the request id: the arms are compared on the same devices, at the cost of two models loaded
   * on each.
   */
  REQUEST,
  /**
   * {@code share} of the targets (by a stable hash of device and rollout) serve arm B alone, the
   * rest keep arm A: one model per device, but the arms are compared on different devices.
   */
  DEVICE;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The split named in a request; absent means by request. */
  static AbSplit parse(String name) {
    if (name == null) {
      return REQUEST;
    }
    for (AbSplit s : values()) {
      if (s.wireName().equals(name)) {
        return s;
      }
    }
    String shown = name.length() > 40 ? name.substring(0, 40) + "..." : name;
    throw FleetException.invalid("bad_ab", "\"ab.split\" '" + shown + "' is not known; use one of: "
        + Arrays.stream(values()).map(s -> "\"" + s.wireName() + "\"").collect(Collectors.joining(", "))
        + " (each device splits its requests, or each device serves one arm)");
  }
}
