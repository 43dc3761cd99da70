package org.edgefleet.server.access;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.edgefleet.server.FleetException;

/**
 * What an API token may do, each role including the ones before it: a viewer reads, an operator
 * also changes the fleet (bundles, rollouts, labels, cohorts, alert rules, sampling), an admin also
 * manages credentials (API tokens, enrollment tokens, device identities).
 */
public enum Role {
  VIEWER, OPERATOR, ADMIN;

  /** Whether a token of this role may use a route that needs {@code needed}. */
  public boolean covers(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** The role's name in the API: viewer, operator or admin. */
  @JsonValue
  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role parse(String name) {
    if (name != null) {
      for (Role r : values()) {
        if (r.apiName().equals(name)) {
          return r;
        }
      }
    }
    throw FleetException.invalid("bad_role", "role must be viewer, operator or admin, was '" + name + "'");
  }
}
