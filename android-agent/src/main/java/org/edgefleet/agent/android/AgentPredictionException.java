package org.edgefleet.agent.android;

import org.edgefleet.agent.PredictionException;
import org.jetbrains.annotations.NotNull;

/**
 * A {@code predict} that produced no outputs: unchecked, so Kotlin and Java callers handle it where
 * they choose; {@link #reason()} says what the app can do.
 */
public final class AgentPredictionException extends RuntimeException {

  private final PredictionException.Reason reason;

  AgentPredictionException(PredictionException cause) {
    super(cause.getMessage(), cause);
    this.reason = cause.reason();
  }

  /** NO_ACTIVE_MODEL (nothing installed yet: fall back or wait), INPUT_MISMATCH (fix the inputs), INFERENCE_FAILED. */
  @NotNull
  public PredictionException.Reason reason() {
    return reason;
  }
}
