package org.edgefleet.protocol.bundle;

/** A bundle that must not be installed or stored, with the reason a user can act on. */
public final class BundleException extends Exception {

  /** Why a bundle was refused; the name is what events and API errors carry. */
  public enum Reason {
    MALFORMED,
    BAD_SIGNATURE,
    UNKNOWN_KEY,
    REVOKED_KEY,
    HASH_MISMATCH,
    SIZE_MISMATCH,
    PATH_ESCAPE,
    UNEXPECTED_ENTRY,
    MISSING_FILE,
    TOO_LARGE,
    EXPIRED,
    VERSION_NOT_NEWER,
    TEST_VECTOR_FAILED,
    UNSUPPORTED
  }

  private final Reason reason;

  public BundleException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public BundleException(Reason reason, String message, Throwable cause) {
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
