package org.edgefleet.server.device;

import java.sql.SQLException;

/**
 * Reacts to device feedback. The first two run on the database thread inside the transaction that
 * stores the message, so what they write commits (or fails) with it; they must not wait on anything.
 */
public interface DeviceListener {

  default void onModelUpdate(ModelUpdate update) throws SQLException {}

  default void onReported(String deviceId, long appliedRevision) throws SQLException {}

  /** The device said it went offline (usually its last will); runs on the caller's thread. */
  default void onOffline(String deviceId) {}
}
