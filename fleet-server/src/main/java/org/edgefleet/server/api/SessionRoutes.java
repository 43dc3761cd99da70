package org.edgefleet.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.edgefleet.server.access.ApiToken;
import org.edgefleet.server.access.Session;
import org.edgefleet.server.access.Sessions;
import org.edgefleet.server.access.TokenService;
import org.edgefleet.server.access.TokenService.Authentication;
import org.edgefleet.server.access.TokenState;

/**
 * The dashboard's login: an API token pasted into the login page becomes a session in an
 * HttpOnly, SameSite=Strict cookie (Secure over TLS) that scripts cannot read; the page gets the
 * session's CSRF token, which it sends with every changing request. Sessions are stored
 * ({@link Sessions}): a restart or another instance of the group honours them.
 */
final class SessionRoutes {

  /** The body of POST /api/v1/session. */
  record LoginRequest(String token) {}

  /** Who is logged in, and for a session its CSRF token and end. */
  record SessionView(ApiToken token, @JsonInclude(JsonInclude.Include.NON_NULL) String csrfToken,
      @JsonInclude(JsonInclude.Include.NON_NULL) Instant expiresAt) {}

  static final String SESSION = "/api/v1/session";
  static final String SESSION_KEY = "edgefleet.session";
  private static final long MAX_BODY_BYTES = 4 * 1024;

  private final TokenService tokens;
  private final Sessions sessions;

  SessionRoutes(TokenService tokens, Sessions sessions) {
    this.tokens = tokens;
    this.sessions = sessions;
  }

  void mount(Router router) {
    router.route(HttpMethod.POST, SESSION).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(Query.only())
        .handler(this::login);
    router.route(HttpMethod.GET, SESSION).handler(Query.only()).handler(this::whoAmI);
    router.route(HttpMethod.DELETE, SESSION).handler(Query.only()).handler(this::logout);
  }

  private void login(RoutingContext ctx) {
    LoginRequest req = JsonBody.read(ctx, LoginRequest.class, "{\"token\": \"ef_...\"}");
    Optional<Authentication> a = tokens.authenticate(req.token());
    if (a.isEmpty() || a.get().state() != TokenState.ACTIVE) {
      String why = a.isEmpty() ? "is not one this server issued" : "is " + a.get().state().name().toLowerCase(java.util.Locale.ROOT);
      Http.error(ctx, 401, "login_failed", "the API token " + why + ": paste a token an admin gave you");
      return;
    }
    ApiToken token = a.get().token();
    ctx.put(Caller.KEY, Caller.of(token, false));
    Http.reply(ctx, sessions.open(token), s -> {
      ctx.response().addCookie(Cookie.cookie(Access.SESSION_COOKIE, s.id()).setPath("/").setHttpOnly(true)
          .setSameSite(CookieSameSite.STRICT).setSecure(ctx.request().isSSL())
          .setMaxAge(sessions.left(s).toSeconds()));
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
      Http.json(ctx, 201, new SessionView(token, s.csrfToken(), s.expiresAt()));
    });
  }

  private void whoAmI(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    Session s = ctx.get(SESSION_KEY);
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    Http.json(ctx, 200, new SessionView(caller.token(), s == null ? null : s.csrfToken(), s == null ? null : s.expiresAt()));
  }

  private void logout(RoutingContext ctx) {
    Session s = ctx.get(SESSION_KEY);
    CompletableFuture<Void> closed = s == null ? CompletableFuture.completedFuture(null) : sessions.close(s.id());
    Http.reply(ctx, closed, v -> {
      ctx.response().addCookie(Cookie.cookie(Access.SESSION_COOKIE, "").setPath("/").setHttpOnly(true)
          .setSameSite(CookieSameSite.STRICT).setSecure(ctx.request().isSSL()).setMaxAge(0));
      ctx.response().setStatusCode(204).end();
    });
  }
}
