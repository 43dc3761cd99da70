package org.edgefleet.agent;

import org.edgefleet.protocol.message.DeviceEvent;

/**
 * Hears what the agent does. Calls come from the agent's own executor, one at a time per agent:
 * keep them short and never block in them.
 */
public interface AgentListener {

  /**
   * A step of an update started, succeeded or failed; {@code event.reason()} names a failure.
   * {@code seq} is 0 when the event could not be queued for the server (outbox unavailable).
   */
  default void onEvent(DeviceEvent event) {}

  /** A model version now serves every {@code predict} of that model. */
  default void onActivated(String model, int version) {}

  /** The connection to the server came up or went down. */
  default void onConnectionChanged(boolean connected) {}
}
