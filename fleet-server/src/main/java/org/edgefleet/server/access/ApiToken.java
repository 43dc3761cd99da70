package org.edgefleet.server.access;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * An API token as the server keeps it: its name, role and lifetime, and only the SHA-256 of its
 * secret (never shown: the JSON of a token has no hash).
 *
 * @param expiresAt when it stops working, or null for never
 * @param revokedAt when an admin revoked it, or null
 */
public record ApiToken(String id, String name, Role role, @JsonIgnore String hash, Instant createdAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) Instant expiresAt, @JsonInclude(JsonInclude.Include.NON_NULL) Instant revokedAt) {

  public ApiToken {
    Objects.requireNonNull(id, "id must not be null");
    Objects.requireNonNull(name, "name must not be null");
    Objects.requireNonNull(role, "role must not be null");
    Objects.requireNonNull(hash, "hash must not be null");
    Objects.requireNonNull(createdAt, "createdAt must not be null");
  }

  /** Whether it works at {@code now}: not revoked, not expired. */
  public TokenState state(Instant now) {
    if (revokedAt != null) {
      return TokenState.REVOKED;
    }
    return expiresAt != null && !now.isBefore(expiresAt) ? TokenState.EXPIRED : TokenState.ACTIVE;
  }

  ApiToken revoked(Instant at) {
    return new ApiToken(id, name, role, hash, createdAt, expiresAt, at);
  }
}
