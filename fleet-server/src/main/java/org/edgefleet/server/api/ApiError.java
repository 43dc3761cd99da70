package org.edgefleet.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every error answer: a stable code and what the user can do about it, and for some
 * refusals the details to act on (which devices, why).
 */
public record ApiError(String error, String message, @JsonInclude(JsonInclude.Include.NON_NULL) Object details) {

  public ApiError(String error, String message) {
    this(error, message, null);
  }
}
