package org.edgefleet.agent.serving;

import org.edgefleet.protocol.message.SlotRole;

/**
 * The version a model runs beside its active one: a {@link SlotRole#SHADOW shadow}, or an
 * {@link SlotRole#ARM arm} that serves {@code share} of the requests.
 */
public record Companion(ServingModel model, SlotRole role, double share) {

  public Companion {
    if (model == null || (role != SlotRole.SHADOW && role != SlotRole.ARM)) {
      throw new IllegalArgumentException("a companion is a loaded shadow or arm, was " + role);
    }
    if (role == SlotRole.ARM && !(share > 0 && share < 1)) {
      throw new IllegalArgumentException("an arm's share must be above 0 and below 1, was " + share);
    }
  }

  public static Companion shadow(ServingModel model) {
    return new Companion(model, SlotRole.SHADOW, 0);
  }

  public static Companion arm(ServingModel model, double share) {
    return new Companion(model, SlotRole.ARM, share);
  }
}
