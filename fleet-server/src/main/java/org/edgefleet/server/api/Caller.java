package org.edgefleet.server.api;

import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import org.edgefleet.server.access.ApiToken;
import org.edgefleet.server.access.Role;

/**
 * Who a request came from, as the audit log names them.
 *
 * @param actor "token:NAME", "enrollment", "device-certificate" or "anonymous"
 * @param token the API token, or null for callers without one
 * @param bySession whether the token came by a dashboard session cookie (not an Authorization header)
 */
record Caller(String actor, ApiToken token, boolean bySession) {

  static final String KEY = "edgefleet.caller";
  static final Caller ANONYMOUS = new Caller("anonymous", null, false);

  Caller {
    Objects.requireNonNull(actor, "actor must not be null");
  }

  static Caller of(ApiToken token, boolean bySession) {
    return new Caller("token:" + token.name(), token, bySession);
  }

  Role role() {
    return token == null ? null : token.role();
  }

  /** The request's caller; anonymous until the access check named one. */
  static Caller of(RoutingContext ctx) {
    Caller c = ctx.get(KEY);
    return c == null ? ANONYMOUS : c;
  }

  /** Replaces the caller, for routes whose own credential names it better (a device renewing its certificate). */
  static void name(RoutingContext ctx, String actor) {
    ctx.put(KEY, new Caller(actor, null, false));
  }
}
