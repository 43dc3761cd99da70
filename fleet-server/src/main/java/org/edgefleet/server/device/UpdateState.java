package org.edgefleet.server.device;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;

/** Where a device is in getting one model version to run, as far as its feedback says. */
public enum UpdateState {
  DOWNLOADING, INSTALLING, ACTIVE, FAILED;

  /**
   * The state an event puts a device in. A rollback event names the version the device abandoned,
   * so for that version it is a failure.
   */
  public static UpdateState of(Execution execution, Result result) {
    if (result == Result.FAILURE) {
      return FAILED;
    }
    return switch (execution) {
      case DOWNLOAD -> DOWNLOADING;
      case VERIFY, INSTALL, SELF_TEST -> INSTALLING;
      case ACTIVATE -> result == Result.SUCCESS ? ACTIVE : INSTALLING;
      case ROLLBACK -> FAILED;
      case HEALTH_CHECK -> ACTIVE; // serving, watched by the device's health window; a failure is FAILED above
    };
  }

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
