package org.edgefleet.protocol.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The retained online/offline flag. The device publishes ONLINE when it connects and registers
 * OFFLINE as its last will, so the broker publishes it when the connection drops.
 */
public record DeviceStatus(int v, State state) {

  public static final int MAX_BYTES = 1024;

  public DeviceStatus {
    MessageCodec.requireVersion(v, "status");
    if (state == null) {
      throw new IllegalArgumentException("status needs a state");
    }
  }

  public static DeviceStatus of(State state) {
    return new DeviceStatus(MessageCodec.VERSION, state);
  }

  /** Connection state. */
  public enum State {
    ONLINE, OFFLINE;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static State fromWireName(String s) {
      return State.valueOf(s.toUpperCase(Locale.ROOT));
    }
  }
}
