package org.edgefleet.agent.inference;

/**
 * An engine failure. {@code unsupported} marks a model the engine cannot run on this device at
 * all (an operator, a dtype), as opposed to a model file that is broken.
 */
public final class InferenceException extends Exception {

  private final boolean unsupported;

  public InferenceException(String message, boolean unsupported, Throwable cause) {
    super(message, cause);
    this.unsupported = unsupported;
  }

  public InferenceException(String message, boolean unsupported) {
    this(message, unsupported, null);
  }

  public boolean isUnsupported() {
    return unsupported;
  }
}
