package org.edgefleet.server.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.edgefleet.server.cohort.CohortService;

/** Saved cohorts: a name for a selector that rollouts can use instead of the selector. */
final class CohortRoutes {

  private static final long MAX_REQUEST_BYTES = 8 * 1024;
  private static final String KIND = "cohorts";

  /** The body of PUT /api/v1/cohorts/{name}. */
  record CohortRequest(String selector) {}

  private final CohortService cohorts;

  CohortRoutes(CohortService cohorts) {
    this.cohorts = cohorts;
  }

  void mount(Router router) {
    router.route(HttpMethod.GET, "/api/v1/cohorts").handler(Query.only(Query.LIMIT, Query.CURSOR)).handler(this::list);
    router.route(HttpMethod.PUT, "/api/v1/cohorts/:name").handler(BodyHandler.create(false).setBodyLimit(MAX_REQUEST_BYTES))
        .handler(Query.only()).handler(this::save);
    router.route(HttpMethod.GET, "/api/v1/cohorts/:name").handler(Query.only()).handler(this::one);
    router.route(HttpMethod.DELETE, "/api/v1/cohorts/:name").handler(Query.only()).handler(this::delete);
  }

  private void list(RoutingContext ctx) {
    Query q = Query.of(ctx);
    Http.reply(ctx, cohorts.list(q.after(KIND).orElse(null), q.limit()), page -> Http.json(ctx, 200, Listing.of("cohorts", page, KIND)));
  }

  /** Creates (201) or replaces (200) a cohort; rollouts already created keep the selector they copied. */
  private void save(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    CohortRequest req = JsonBody.read(ctx, CohortRequest.class, "{\"selector\": \"hw in (rpi3,rpi4),region=eu\"}");
    Http.reply(ctx, cohorts.save(name, req.selector()).thenCompose(isNew -> cohorts.get(name).thenApply(c -> {
      ctx.response().setStatusCode(isNew ? 201 : 200);
      return c;
    })), c -> Http.json(ctx, ctx.response().getStatusCode(), c));
  }

  private void one(RoutingContext ctx) {
    Http.replyJson(ctx, cohorts.get(ctx.pathParam("name")), 200);
  }

  private void delete(RoutingContext ctx) {
    Http.reply(ctx, cohorts.delete(ctx.pathParam("name")), v -> ctx.response().setStatusCode(204).end());
  }
}
