package org.edgefleet.server.device;

import org.edgefleet.server.store.Transaction;

/**
 * Reacts to device feedback. The first two run inside the transaction that stores the message, so
 * what they write commits (or fails) with it; they must not wait on anything, and what they
 * publish goes to {@link Transaction#afterCommit}.
 */
public interface DeviceListener {

  default void onModelUpdate(Transaction tx, ModelUpdate update) {}

  default void onReported(Transaction tx, String deviceId, long appliedRevision) {}

  /** The device came online (its first message, or the first after it was offline); runs on the caller's thread. */
  default void onOnline(String deviceId) {}

  /** The operator changed the device's labels; runs inside the transaction that stores them. */
  default void onLabelsChanged(Transaction tx, String deviceId) {}

  /** The device said it went offline (usually its last will); runs on the caller's thread. */
  default void onOffline(String deviceId) {}
}
