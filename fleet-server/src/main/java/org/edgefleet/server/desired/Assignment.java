package org.edgefleet.server.desired;

import org.edgefleet.protocol.message.SlotRole;

/**
 * The version of one model a device should have, in which role, and the rollout that put it there.
 * A candidate, shadow or arm names the active version it stays beside ({@code beside}); a shadow or
 * an arm needs one, a candidate may stand alone (the device keeps whatever it runs).
 *
 * @param share the fraction of requests an arm serves, above 0 and below 1; null for other roles
 * @param recordOutcomes whether the device attributes its application's outcomes to this active
 *     version while it serves (its part in an A/B test split by device)
 */
public record Assignment(String model, int version, String digest, long rolloutId, SlotRole role, Double share,
    Beside beside, boolean recordOutcomes) {

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
    if (recordOutcomes && role != SlotRole.ACTIVE) {
      throw new IllegalArgumentException("assignment of " + model + " v" + version + ": only an active version records "
          + "outcomes, not a " + role.wireName());
    }
  }

  /** The version in a role, recording no outcomes of its own. */
  public Assignment(String model, int version, String digest, long rolloutId, SlotRole role, Double share, Beside beside) {
    this(model, version, digest, rolloutId, role, share, beside, false);
  }

  /** The version as the one that serves. */
  public Assignment(String model, int version, String digest, long rolloutId) {
    this(model, version, digest, rolloutId, SlotRole.ACTIVE, null, null);
  }

  /** The version as the one that serves, with the outcomes the device reports attributed to it (one arm of an A/B test). */
  public static Assignment recordingOutcomes(String model, int version, String digest, long rolloutId) {
    return new Assignment(model, version, digest, rolloutId, SlotRole.ACTIVE, null, null, true);
  }
}
