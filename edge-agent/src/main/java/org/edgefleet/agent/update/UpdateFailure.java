package org.edgefleet.agent.update;

import java.nio.file.Path;
import org.edgefleet.agent.UsableSpace;
import org.edgefleet.protocol.bundle.BundleException;
import org.edgefleet.protocol.message.DeviceEvent.Execution;

/**
 * A step of an update that failed: the step, a reason code (a {@link BundleException.Reason}
 * name where one fits, else {@code IO_ERROR} or {@code DISK_FULL}) and details for a human.
 * {@link #isTransient() Transient} failures (the disk, not the bundle) are retried.
 */
final class UpdateFailure extends Exception {

  static final String IO_ERROR = "IO_ERROR";
  static final String DISK_FULL = "DISK_FULL";

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
    UpdateFailure f = new UpdateFailure(step, IO_ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
    f.initCause(e);
    return f;
  }

  /** This I/O failure as DISK_FULL when the disk of {@code dataDir} is what failed; else itself. */
  UpdateFailure classify(Path dataDir, UsableSpace space) {
    if (!IO_ERROR.equals(reason) || !DiskSpace.isFull(getCause(), dataDir, space)) {
      return this;
    }
    UpdateFailure f = new UpdateFailure(step, DISK_FULL, getMessage());
    f.initCause(getCause());
    return f;
  }

  /** Whether the failure lies with the device's storage rather than the bundle: worth trying again later. */
  boolean isTransient() {
    return IO_ERROR.equals(reason) || DISK_FULL.equals(reason);
  }

  Execution step() {
    return step;
  }

  String reason() {
    return reason;
  }
}
