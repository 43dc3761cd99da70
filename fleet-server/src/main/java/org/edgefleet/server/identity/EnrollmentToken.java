package org.edgefleet.server.identity;

import java.time.Instant;
import java.util.Objects;

/**
 * An enrollment token as the server keeps it: never the secret itself, only its SHA-256.
 *
 * @param usesLeft enrollments it still allows (1 for a one-time token)
 * @param needsApproval whether devices enrolled with it wait for an operator's acceptance
 */
public record EnrollmentToken(String id, String hash, int usesLeft, Instant expiresAt, boolean needsApproval,
    Instant createdAt) {
  public EnrollmentToken {
    Objects.requireNonNull(id, "id must not be null");
    Objects.requireNonNull(hash, "hash must not be null");
    Objects.requireNonNull(expiresAt, "expiresAt must not be null");
    Objects.requireNonNull(createdAt, "createdAt must not be null");
    if (usesLeft < 0) {
      throw new IllegalArgumentException("usesLeft must not be negative, was " + usesLeft);
    }
  }
}
