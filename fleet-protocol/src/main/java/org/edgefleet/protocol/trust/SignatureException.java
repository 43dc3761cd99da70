package org.edgefleet.protocol.trust;

/** A signature that must not be trusted, with the reason. */
public final class SignatureException extends Exception {

  /** Why a signature was refused. */
  public enum Reason { UNKNOWN_KEY, REVOKED_KEY, WRONG_ROLE, BAD_SIGNATURE }

  private final Reason reason;

  public SignatureException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
