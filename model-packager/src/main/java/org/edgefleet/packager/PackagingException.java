package org.edgefleet.packager;

/**
 * Inputs to the packager that do not fit together: calibration columns that are not the
 * model's features, a model the packager cannot derive test vectors for, manifest fields out of
 * range. The message says what to change.
 */
public final class PackagingException extends Exception {

  public PackagingException(String message) {
    super(message);
  }

  public PackagingException(String message, Throwable cause) {
    super(message, cause);
  }
}
