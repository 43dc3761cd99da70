package org.edgefleet.server.rollout;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.edgefleet.server.device.UpdateState;

/** A target device's progress in one rollout. */
public enum TargetState {
  PENDING, DOWNLOADING, INSTALLING,
  /**
   * The version is installed and self-tested in the role its stage gives it beside the active
   * version: a candidate staged (not serving), a shadow or an arm running.
   */
  STAGED,
  ACTIVE, FAILED,
  /** A later rollout of the same model took this device over. */
  SUPERSEDED,
  /**
   * The device cannot run the bundle (reason and details say why); nothing was published to it.
   * It is checked again on each report and becomes pending once it can.
   */
  SKIPPED,
  /** The rollout was aborted or rolled back: the device was put back on the version it had before. */
  ROLLED_BACK;

  public static TargetState of(UpdateState s) {
    return switch (s) {
      case DOWNLOADING -> DOWNLOADING;
      case INSTALLING -> INSTALLING;
      case ACTIVE -> ACTIVE;
      case FAILED -> FAILED;
    };
  }

  /** Whether the device is done with this rollout, for now: a failed device may still retry. */
  public boolean isFinal() {
    return this == ACTIVE || this == FAILED || this == SUPERSEDED || this == SKIPPED || this == ROLLED_BACK;
  }

  /**
   * Whether feedback saying {@code next} moves a target in this state. Progress only goes forward
   * (late events arrive out of order), a failure can come at any time, and a failed device that
   * retries starts moving again.
   */
  public boolean movesTo(TargetState next) {
    if (this == SUPERSEDED || this == SKIPPED || this == ROLLED_BACK || next == this || next == SUPERSEDED || next == SKIPPED
        || next == ROLLED_BACK || next == PENDING) {
      return false;
    }
    if (next == FAILED || this == FAILED) {
      return true;
    }
    return next.ordinal() > ordinal();
  }

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
