package org.edgefleet.tflite;

/**
 * A TFLite failure. {@code unsupported} marks what this runtime cannot do at all (an operator,
 * an element type, no native library for the platform), as opposed to a broken model file or a
 * bad input.
 */
public final class TfliteException extends Exception {

  private final boolean unsupported;

  public TfliteException(String message, boolean unsupported, Throwable cause) {
    super(message, cause);
    this.unsupported = unsupported;
  }

  public TfliteException(String message, boolean unsupported) {
    this(message, unsupported, null);
  }

  public boolean isUnsupported() {
    return unsupported;
  }
}
