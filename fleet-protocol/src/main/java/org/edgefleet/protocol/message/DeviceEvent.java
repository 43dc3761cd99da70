package org.edgefleet.protocol.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * Feedback on one step of getting a model to run: which step ({@code execution}), how it ended
 * ({@code result}), and why ({@code reason} code and human {@code details}). {@code seq} grows per
 * device so the server can drop a replay.
 */
public record DeviceEvent(int v, String deviceId, long seq, Instant time, String model, int version,
    Execution execution, Result result, String reason, String details) {

  public static final int MAX_BYTES = 16 * 1024;

  public DeviceEvent {
    MessageCodec.requireVersion(v, "event");
    Topics.requireDeviceId(deviceId);
    if (seq < 0 || time == null || model == null || execution == null || result == null) {
      throw new IllegalArgumentException("event needs seq >= 0, time, model, execution and result");
    }
    if (details != null && details.length() > 2048) {
      details = details.substring(0, 2048);
    }
  }

  /** The step of an update. */
  public enum Execution {
    DOWNLOAD, VERIFY, INSTALL, SELF_TEST, ACTIVATE, ROLLBACK,
    /** The health window after an activation: started, passed, or failed with the reason the agent rolled back. */
    HEALTH_CHECK;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Execution fromWireName(String s) {
      return Execution.valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  /** How the step ended. */
  public enum Result {
    STARTED, SUCCESS, FAILURE;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Result fromWireName(String s) {
      return Result.valueOf(s.toUpperCase(Locale.ROOT));
    }
  }
}
