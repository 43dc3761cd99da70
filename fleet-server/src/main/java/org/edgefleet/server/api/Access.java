package org.edgefleet.server.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;
import org.edgefleet.server.access.Session;
import org.edgefleet.server.access.Sessions;
import org.edgefleet.server.access.TokenService;
import org.edgefleet.server.access.TokenService.Authentication;
import org.edgefleet.server.access.TokenState;

/**
 * Authenticates every request and checks it against its {@link AccessTable} rule before any route
 * sees it: an API token in {@code Authorization: Bearer}, or a dashboard session cookie plus, on
 * changing requests, the session's CSRF token in {@value #CSRF_HEADER}. 401 with
 * {@code WWW-Authenticate} for no or a bad credential, 403 naming the role a route needs.
 */
final class Access implements Handler<RoutingContext> {

  static final String CSRF_HEADER = "X-CSRF-Token";
  static final String SESSION_COOKIE = "edgefleet_session";
  static final String MATCH_KEY = "edgefleet.access.match";
  private static final Set<HttpMethod> CHANGING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
  private static final String BEARER = "Bearer ";

  private final TokenService tokens;
  private final Sessions sessions;

  Access(TokenService tokens, Sessions sessions) {
    this.tokens = tokens;
    this.sessions = sessions;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    Optional<AccessTable.Match> match = AccessTable.match(req.method(), ctx.normalizedPath());
    match.ifPresent(m -> ctx.put(MATCH_KEY, m));
    if (match.isPresent() && match.get().rule().exemption() != null) {
      if (match.get().rule().exemption() == AccessRule.Exemption.DEVICE_CREDENTIAL) {
        Caller.name(ctx, match.get().rule().pattern().equals(EnrollmentRoutes.ENROLL) ? "enrollment" : "device-certificate");
      }
      ctx.next();
      return;
    }
    String header = req.getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null) {
      Caller caller = byToken(ctx, header);
      if (caller != null) {
        authorize(ctx, match, caller);
      }
      return;
    }
    Cookie cookie = req.getCookie(SESSION_COOKIE);
    if (cookie == null) {
      refuse(ctx, "missing_token", "this API needs an API token: send 'Authorization: Bearer <token>', or log in to the"
          + " dashboard at /ui/");
      return;
    }
    // The session is in the database: hold the body back until the answer is here and the route reads it.
    if (!req.isEnded()) {
      req.pause();
    }
    Future.fromCompletionStage(sessions.find(cookie.getValue()), ctx.vertx().getOrCreateContext()).onComplete(session -> {
      if (!req.isEnded()) {
        req.resume();
      }
      if (session.failed()) {
        Http.error(ctx, 503, "session_unavailable", "cannot read the dashboard session now: try again");
        return;
      }
      Caller caller = bySession(ctx, session.result());
      if (caller != null) {
        authorize(ctx, match, caller);
      }
    });
  }

  private void authorize(RoutingContext ctx, Optional<AccessTable.Match> match, Caller caller) {
    HttpServerRequest req = ctx.request();
    ctx.put(Caller.KEY, caller);
    if (match.isEmpty()) {
      if (AccessTable.pathKnown(ctx.normalizedPath())) {
        Http.error(ctx, 405, "method_not_allowed", req.method() + " is not allowed on " + req.path() + ": see GET /api/v1/openapi.json");
      } else {
        Http.error(ctx, 404, "not_found", "no route " + req.method() + " " + req.path() + ": see GET /api/v1/openapi.json");
      }
      return;
    }
    AccessRule rule = match.get().rule();
    if (!caller.role().covers(rule.role())) {
      Http.error(ctx, 403, "insufficient_role", rule.route() + " needs role " + rule.role().apiName() + " or higher; token '"
          + caller.token().name() + "' has role " + caller.role().apiName() + ": ask an admin for a token with that role");
      return;
    }
    if (caller.bySession() && CHANGING.contains(req.method()) && !csrfPasses(ctx)) {
      return;
    }
    ctx.next();
  }

  /** The caller of an Authorization header, or null when the request was answered with 401. */
  private Caller byToken(RoutingContext ctx, String header) {
    if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return refuse(ctx, "bad_authorization", "the Authorization header must be 'Bearer <API token>'");
    }
    Optional<Authentication> a = tokens.authenticate(header.substring(BEARER.length()).trim());
    if (a.isEmpty()) {
      return refuse(ctx, "invalid_token", "the API token is not one this server issued: check it, or ask an admin for one");
    }
    return active(ctx, a.get()) ? Caller.of(a.get().token(), false) : null;
  }

  /** The caller of a session cookie, or null when the request was answered with 401. */
  private Caller bySession(RoutingContext ctx, Optional<Session> session) {
    if (session.isEmpty()) {
      return refuse(ctx, "session_expired", "the dashboard session has ended: log in again");
    }
    Optional<Authentication> a = tokens.byId(session.get().tokenId());
    if (a.isEmpty() || !active(ctx, a.get())) {
      // A revoked or expired token ends its sessions.
      sessions.close(session.get().id());
      return a.isEmpty() ? refuse(ctx, "invalid_token", "the session's API token is gone: log in again") : null;
    }
    ctx.put(SessionRoutes.SESSION_KEY, session.get());
    return Caller.of(a.get().token(), true);
  }

  private static boolean active(RoutingContext ctx, Authentication a) {
    if (a.state() == TokenState.EXPIRED) {
      refuse(ctx, "token_expired", "API token '" + a.token().name() + "' expired at " + a.token().expiresAt()
          + ": ask an admin for a new one");
      return false;
    }
    if (a.state() == TokenState.REVOKED) {
      refuse(ctx, "token_revoked", "API token '" + a.token().name() + "' was revoked at " + a.token().revokedAt());
      return false;
    }
    return true;
  }

  private static boolean csrfPasses(RoutingContext ctx) {
    Session s = ctx.get(SessionRoutes.SESSION_KEY);
    String sent = ctx.request().getHeader(CSRF_HEADER);
    if (sent == null) {
      Http.error(ctx, 403, "csrf_token_missing", ctx.request().method() + " with a session cookie needs the session's CSRF"
          + " token in " + CSRF_HEADER + " (the dashboard sends it; scripts use an Authorization header instead)");
      return false;
    }
    if (!Sessions.csrfMatches(s, sent)) {
      Http.error(ctx, 403, "csrf_token_invalid", CSRF_HEADER + " is not this session's CSRF token: reload the dashboard");
      return false;
    }
    return true;
  }

  private static Caller refuse(RoutingContext ctx, String code, String message) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"edgefleet\""
        + (code.equals("missing_token") ? "" : ", error=\"invalid_token\""));
    Http.error(ctx, 401, code, message);
    return null;
  }
}
