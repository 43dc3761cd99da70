package org.edgefleet.agent.update;

import org.edgefleet.protocol.bundle.BundleException;
import org.edgefleet.protocol.message.DeviceEvent.Execution;

/**
 * A step of an update that failed: the step, a reason code (a {@link BundleException.Reason}
 * name where one fits, else {@code IO_ERROR}) and details for a human.
 */
final class UpdateFailure extends Exception {

  static final String IO_ERROR = "IO_ERROR";

  private final Execution step;
  private final String reason;

  UpdateFailure(Execution step, String reason, String details) {
    super(details);
    this.step = step;
    this.reason = reason;
  }

  UpdateFailure(Execution step, BundleException.Reason reason, String details) {
    this(step, reason.name(), details);
  }

  static UpdateFailure io(Execution step, Exception e) {
    return new UpdateFailure(step, IO_ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  Execution step() {
    return step;
  }

  String reason() {
    return reason;
  }
}
