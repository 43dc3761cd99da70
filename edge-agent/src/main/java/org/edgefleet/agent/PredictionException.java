package org.edgefleet.agent;

/** A {@code predict} call that produced no outputs, with the reason the caller can act on. */
public final class PredictionException extends Exception {

  /** Why the call failed. */
  public enum Reason {
    /** No version of the model is installed and active on this device (yet). */
    NO_ACTIVE_MODEL,
    /** The inputs do not match the manifest's input names, dtypes or shapes. */
    INPUT_MISMATCH,
    /** The inference engine failed on valid inputs. */
    INFERENCE_FAILED
  }

  private final Reason reason;

  public PredictionException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public PredictionException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  @Override
  public String toString() {
    return reason + ": " + getMessage();
  }
}
