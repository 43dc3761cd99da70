package org.edgefleet.protocol.runtime;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** One reason a device cannot run a bundle, with a message that names both sides. */
public record Incompatibility(Kind kind, String message) {

  /** What does not fit; the wire name is the stable reason code. */
  public enum Kind {
    /** The device never reported, or its agent does not report capabilities. */
    CAPABILITIES_UNKNOWN,
    /** The agent has no engine for the bundle's model format. */
    FORMAT_UNSUPPORTED,
    /** The device's platform is not among the bundle's architectures. */
    ARCH_UNSUPPORTED,
    /** The agent is older than the bundle's minimum agent version. */
    AGENT_TOO_OLD,
    /** The bundle is larger than the agent accepts. */
    BUNDLE_TOO_LARGE,
    /** The device has less free disk than the bundle takes. */
    DISK_TOO_SMALL;

    @JsonValue
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Incompatibility {
    if (kind == null || message == null || message.isBlank()) {
      throw new IllegalArgumentException("an incompatibility needs a kind and a message");
    }
  }
}
