package org.edgefleet.server.rollout;

import java.util.Locale;
import org.edgefleet.server.FleetException;

/** What a rollout does about target devices that cannot run its bundle. */
public enum IncompatiblePolicy {
  /** No rollout at all while any target is incompatible: 409 with the list. */
  REFUSE,
  /** Roll out to the compatible targets; record the others as skipped with their reasons. */
  SKIP;

  /** The policy named in a request; absent means refuse. */
  public static IncompatiblePolicy parse(String name) {
    if (name == null || name.isBlank()) {
      return REFUSE;
    }
    for (IncompatiblePolicy p : values()) {
      if (p.name().toLowerCase(Locale.ROOT).equals(name)) {
        return p;
      }
    }
    throw FleetException.invalid("bad_incompatible", "\"incompatible\": \"" + name
        + "\" is not supported: use \"refuse\" (the default) or \"skip\"");
  }
}
