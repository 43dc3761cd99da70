package org.edgefleet.server.identity;

import java.util.Locale;

/**
 * An enrollment or renewal refused for its credentials (unknown, expired or used-up token, revoked
 * device, a certificate the fleet CA did not issue): the API answers 403 with {@link #code()}.
 */
public final class EnrollmentRefused extends RuntimeException {

  private final String code;

  public EnrollmentRefused(String code, String message) {
    super(message);
    this.code = code.toLowerCase(Locale.ROOT);
  }

  public String code() {
    return code;
  }
}
