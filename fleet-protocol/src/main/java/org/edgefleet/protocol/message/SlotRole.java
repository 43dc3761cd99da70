package org.edgefleet.protocol.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The role a model version plays on a device. A model has at most one active version and at most
 * one more in another role, because a device holds two slots per model.
 */
public enum SlotRole {
  /** Serves every {@code predict} (but the share an {@link #ARM} takes). */
  ACTIVE,
  /** Staged into the inactive slot: downloaded, verified and self-tested, not serving. Made active without a download. */
  CANDIDATE,
  /** Runs beside the active version on the same inputs, off the caller's thread; its outputs are only compared. */
  SHADOW,
  /** An A/B arm: serves its {@code share} of the requests, split by request on the device; the active version serves the rest. */
  ARM;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static SlotRole fromWireName(String name) {
    for (SlotRole r : values()) {
      if (r.wireName().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown slot role '" + name + "'");
  }
}
