package org.edgefleet.protocol.message;

/** A message that was refused, with the reason; the server counts these per reason. */
public final class MessageException extends Exception {

  /** Why a message was refused. */
  public enum Reason { TOO_LARGE, MALFORMED, UNSUPPORTED_VERSION, INVALID, BAD_SIGNATURE }

  private final Reason reason;

  public MessageException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public MessageException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
