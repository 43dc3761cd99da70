package org.edgefleet.protocol.trust;

/** A key set that must not be trusted, with the reason. */
public final class KeySetException extends Exception {

  /** Why a key set was refused. */
  public enum Reason {
    /** Not a signed key set document, or one that breaks its own rules. */
    MALFORMED,
    /** Fewer distinct root keys signed it than the threshold asks. */
    BELOW_THRESHOLD,
    /** Its version is not above the trusted one (a replay or a rollback). */
    VERSION_NOT_NEWER,
    /** Its expiry has passed. */
    EXPIRED
  }

  private final Reason reason;

  public KeySetException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public KeySetException(Reason reason, String message, Throwable cause) {
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
