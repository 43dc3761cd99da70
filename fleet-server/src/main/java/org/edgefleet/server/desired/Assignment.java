package org.edgefleet.server.desired;

import org.edgefleet.protocol.message.SlotRole;

/**
 * The version of one model a device should have, in which role, and the rollout that put it there.
 * A candidate, shadow or arm names the active version it stays beside ({@code beside}); a shadow or
 * an arm needs one, a candidate may stand alone (the device keeps whatever it runs).
 *
 * @param share the fraction of requests an arm serves, above 0 and below 1; null for other roles
 */
public record Assignment(String model, int version, String digest, long rolloutId, SlotRole role, Double share,
    Beside beside) {

  /** The active version a candidate, shadow or arm runs beside. */
  public record Beside(int version, String digest) {}

  public Assignment {
    if (role == null) {
      throw new IllegalArgumentException("assignment of " + model + " v" + version + " needs a role");
    }
    if ((role == SlotRole.ARM) != (share != null) || share != null && !(share > 0 && share < 1)) {
      throw new IllegalArgumentException("assignment of " + model + " v" + version + ": an arm, and only an arm, has a share "
          + "above 0 and below 1; role " + role.wireName() + ", share " + share);
    }
    if (role == SlotRole.ACTIVE && beside != null || (role == SlotRole.SHADOW || role == SlotRole.ARM) && beside == null) {
      throw new IllegalArgumentException("assignment of " + model + " v" + version + ": a shadow or an arm needs an active "
          + "version beside it and an active version stands alone; role " + role.wireName() + ", beside " + beside);
    }
    if (beside != null && beside.version() == version) {
      throw new IllegalArgumentException("assignment of " + model + " v" + version + " cannot stand beside itself");
    }
  }

  /** The version as the one that serves. */
  public Assignment(String model, int version, String digest, long rolloutId) {
    this(model, version, digest, rolloutId, SlotRole.ACTIVE, null, null);
  }
}
