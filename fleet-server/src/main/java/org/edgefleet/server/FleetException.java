package org.edgefleet.server;

import java.util.Locale;

/**
 * A request the server refuses, with a stable machine-readable {@code code} and a message saying
 * what to do. The kind tells the HTTP layer which status to answer with; services stay unaware of
 * HTTP.
 */
public final class FleetException extends RuntimeException {

  /** What went wrong, from the caller's point of view. */
  public enum Kind { INVALID, NOT_FOUND, CONFLICT, UNPROCESSABLE }

  private final Kind kind;
  private final String code;
  private final transient Object details;

  public FleetException(Kind kind, String code, String message) {
    this(kind, code, message, null);
  }

  /** {@code details}: what the caller needs to act on beyond the message (e.g. which devices), as JSON. */
  public FleetException(Kind kind, String code, String message, Object details) {
    super(message);
    this.kind = kind;
    this.code = code.toLowerCase(Locale.ROOT);
    this.details = details;
  }

  public static FleetException invalid(String code, String message) {
    return new FleetException(Kind.INVALID, code, message);
  }

  public static FleetException notFound(String code, String message) {
    return new FleetException(Kind.NOT_FOUND, code, message);
  }

  public static FleetException conflict(String code, String message) {
    return new FleetException(Kind.CONFLICT, code, message);
  }

  public static FleetException unprocessable(String code, String message) {
    return new FleetException(Kind.UNPROCESSABLE, code, message);
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }

  /** Structured details for the error body, or null. */
  public Object details() {
    return details;
  }
}
