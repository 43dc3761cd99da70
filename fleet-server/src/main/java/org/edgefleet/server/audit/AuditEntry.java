package org.edgefleet.server.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * One changing request: who made it, what it asked, when, and how it ended. Never a body: secrets
 * travel in bodies (tokens, keys), the route and its path parameters say what was changed.
 *
 * @param id the order of recording; 0 until stored
 * @param actor "token:NAME" (id in {@code tokenId}), "enrollment", "device-certificate" or "anonymous"
 * @param role the token's role, or null for callers without one
 * @param route the route's template, e.g. {@code POST /api/v1/rollouts/:id/:action}, or the bare path when none matched
 * @param target the path parameters, e.g. {@code id=42 action=pause}, or empty
 * @param status the HTTP status answered, 0 when the connection closed first
 * @param error the error code of a refusal, or null
 */
public record AuditEntry(long id, Instant at, String actor, @JsonInclude(JsonInclude.Include.NON_NULL) String tokenId,
    @JsonInclude(JsonInclude.Include.NON_NULL) String role, String method, String route, String target, int status,
    @JsonInclude(JsonInclude.Include.NON_NULL) String error) {

  public AuditEntry {
    Objects.requireNonNull(at, "at must not be null");
    Objects.requireNonNull(actor, "actor must not be null");
    Objects.requireNonNull(method, "method must not be null");
    Objects.requireNonNull(route, "route must not be null");
    Objects.requireNonNull(target, "target must not be null");
  }

  AuditEntry withId(long newId) {
    return new AuditEntry(newId, at, actor, tokenId, role, method, route, target, status, error);
  }
}
