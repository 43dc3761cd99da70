package org.edgefleet.agent.localapi;

/**
 * A request the endpoint refuses: the HTTP status, a stable machine-readable code and a message
 * that says what was wrong and what the caller can do. Sent as {@code {"error": code, "message": ...}}.
 */
final class ApiError extends Exception {

  private final int status;
  private final String code;
  private final String allow;

  ApiError(int status, String code, String message) {
    this(status, code, message, null);
  }

  private ApiError(int status, String code, String message, String allow) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.allow = allow;
  }

  /** 405, naming the method the path takes (sent in an Allow header too). */
  static ApiError methodNotAllowed(String method, String path, String allowed) {
    return new ApiError(405, "method_not_allowed", RequestHead.printable(method) + " is not allowed on "
        + RequestHead.printable(path) + " (allowed: " + allowed + ")", allowed);
  }

  static ApiError badRequest(String code, String message) {
    return new ApiError(400, code, message);
  }

  static ApiError notFound(String code, String message) {
    return new ApiError(404, code, message);
  }

  static ApiError busy(String message) {
    return new ApiError(503, "busy", message);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  /** The methods allowed, for a 405; null otherwise. */
  String allow() {
    return allow;
  }
}
