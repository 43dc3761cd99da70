package org.edgefleet.packager.onnx;

/** A model file that cannot be loaded, described or run; the message says what to fix. */
public final class ModelException extends Exception {

  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
