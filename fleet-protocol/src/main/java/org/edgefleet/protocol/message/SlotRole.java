package org.edgefleet.protocol.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The role a model version plays on a device. */
public enum SlotRole {
  /** Serves every {@code predict}. */
  ACTIVE;

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
