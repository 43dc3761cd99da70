package org.edgefleet.protocol.trust;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a key is trusted to sign. */
public enum KeyRole {
  /** Signs model bundles (the operator's packaging key). */
  PACKAGER,
  /** Signs desired states (the fleet server's key). */
  SERVER,
  /** Signs key sets: one of the fleet's k-of-n root keys, kept offline. */
  ROOT;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static KeyRole fromWireName(String name) {
    for (KeyRole r : values()) {
      if (r.wireName().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown key role '" + name + "' (expected packager, server or root)");
  }
}
