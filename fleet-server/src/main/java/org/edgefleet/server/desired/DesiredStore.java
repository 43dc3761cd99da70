package org.edgefleet.server.desired;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Per-device assignments and desired revisions. Called on the database thread only. */
public interface DesiredStore {

  Optional<Assignment> assignment(String deviceId, String model) throws SQLException;

  /** Sets the device's assignment for the model and bumps its revision; returns the new revision. */
  long assign(String deviceId, Assignment assignment, Instant now) throws SQLException;

  Optional<Desired> desired(String deviceId) throws SQLException;

  /** Every device's desired state. */
  List<Desired> all() throws SQLException;

  /** Devices that have a desired state. */
  List<String> devices() throws SQLException;

  /** How many devices are assigned the bundle. */
  int devicesAssigned(String digest) throws SQLException;
}
