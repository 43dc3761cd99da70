package org.edgefleet.server.device;

import org.edgefleet.server.metrics.RejectReason;

/** A device message the server will not store, with the reason it is counted under. */
public final class DeviceRefused extends RuntimeException {

  private final RejectReason reason;

  public DeviceRefused(RejectReason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
