package org.edgefleet.server.access;

import java.time.Instant;
import java.util.Objects;

/**
 * A dashboard login: the cookie carries {@code id}, the page holds {@code csrfToken} and sends it
 * with every changing request, which a page of another site cannot read and so cannot send.
 */
public record Session(String id, String tokenId, String csrfToken, Instant expiresAt) {
  public Session {
    Objects.requireNonNull(id, "id must not be null");
    Objects.requireNonNull(tokenId, "tokenId must not be null");
    Objects.requireNonNull(csrfToken, "csrfToken must not be null");
    Objects.requireNonNull(expiresAt, "expiresAt must not be null");
  }
}
