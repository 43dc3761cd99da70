package org.edgefleet.agent.android;

import org.jetbrains.annotations.NotNull;

/**
 * Hears about model updates and the connection, on the app's main thread, so a listener may touch
 * views. Every method has a default: implement only what the app needs (a Kotlin {@code object :}
 * works the same).
 */
public interface AgentUpdateListener {

  /** {@code model} now answers every {@code predict} with {@code version}. */
  default void onModelActivated(@NotNull String model, int version) {}

  /**
   * A step of an update failed, and the model the app had keeps serving.
   *
   * @param step the step that failed: download, verify, install, self_test, activate, rollback
   * @param reason why, in words the app may log or show to a support team
   */
  default void onUpdateFailed(@NotNull String model, int version, @NotNull String step, @NotNull String reason) {}

  /** The agent connected to the server, or lost (or paused) the connection. */
  default void onConnectionChanged(boolean connected) {}
}
