package org.edgefleet.server.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import org.edgefleet.server.access.Role;
import org.edgefleet.server.access.TokenService;

/** API tokens, for admins: issue one (its secret is in that answer only), list them without secrets, revoke one. */
final class TokenRoutes {

  /** The body of POST /api/v1/tokens; without validForSeconds the token works until it is revoked. */
  record TokenRequest(String name, String role, Long validForSeconds) {}

  static final String TOKENS = "/api/v1/tokens";
  private static final String KIND = "tokens";
  private static final long MAX_BODY_BYTES = 4 * 1024;

  private final TokenService tokens;

  TokenRoutes(TokenService tokens) {
    this.tokens = tokens;
  }

  void mount(Router router) {
    router.route(HttpMethod.GET, TOKENS).handler(Query.only(Query.LIMIT, Query.CURSOR)).handler(this::list);
    router.route(HttpMethod.POST, TOKENS).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(Query.only())
        .handler(this::create);
    router.route(HttpMethod.POST, TOKENS + "/:id/revoke").handler(Query.only())
        .handler(ctx -> Http.replyJson(ctx, tokens.revoke(ctx.pathParam("id")), 200));
  }

  private void create(RoutingContext ctx) {
    TokenRequest req = JsonBody.read(ctx, TokenRequest.class, "{\"name\": \"ci-deploy\", \"role\": \"operator\", \"validForSeconds\": 7776000}");
    Role role = Role.parse(req.role());
    Http.replyJson(ctx, tokens.create(req.name(), role, req.validForSeconds() == null ? null : Duration.ofSeconds(req.validForSeconds())),
        201);
  }

  private void list(RoutingContext ctx) {
    Query q = Query.of(ctx);
    Http.reply(ctx, tokens.list(q.after(KIND).orElse(null), q.limit()), page -> Http.json(ctx, 200, Listing.of(KIND, page, KIND)));
  }
}
