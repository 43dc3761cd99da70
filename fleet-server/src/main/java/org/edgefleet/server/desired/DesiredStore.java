package org.edgefleet.server.desired;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Per-device assignments and desired revisions. Opened on one transaction, used inside it only. */
public interface DesiredStore {

  Optional<Assignment> assignment(String deviceId, String model);

  /** Sets the device's assignment for the model and bumps its revision; returns the new revision. */
  long assign(String deviceId, Assignment assignment, Instant now);

  /** Removes the device's assignment for the model and bumps its revision; returns the new revision. */
  long unassign(String deviceId, String model, Instant now);

  Optional<Desired> desired(String deviceId);

  /** Every device's desired state. */
  List<Desired> all();

  /** Devices that have a desired state. */
  List<String> devices();

  /** How many devices are assigned the bundle. */
  int devicesAssigned(String digest);

  /** Records that the device's desired state of this revision (or a later one) reached the broker. */
  void markPublished(String deviceId, long revision);

  /** Up to {@code limit} devices whose revision issued before the time has not been published. */
  List<String> unpublished(Instant issuedBefore, int limit);
}
