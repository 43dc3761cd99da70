package org.edgefleet.server.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.util.Map;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.rollout.RolloutRequest;
import org.edgefleet.server.rollout.RolloutService;

/** Creating and following rollouts. */
final class RolloutRoutes {

  private static final long MAX_REQUEST_BYTES = 64 * 1024;

  private final RolloutService rollouts;

  RolloutRoutes(RolloutService rollouts) {
    this.rollouts = rollouts;
  }

  void mount(Router router) {
    router.route(HttpMethod.POST, "/api/v1/rollouts").handler(BodyHandler.create(false).setBodyLimit(MAX_REQUEST_BYTES))
        .handler(this::create);
    router.route(HttpMethod.GET, "/api/v1/rollouts").handler(this::list);
    router.route(HttpMethod.GET, "/api/v1/rollouts/:id").handler(this::one);
  }

  private void create(RoutingContext ctx) {
    RolloutRequest req;
    try {
      req = Json.mapper().readValue(ctx.body().buffer().getBytes(), RolloutRequest.class);
    } catch (IOException | RuntimeException e) {
      throw FleetException.invalid("bad_request",
          "the body must be JSON like {\"model\": \"name\", \"version\": 3, \"selector\": \"hw=rpi4\"}: " + e.getMessage());
    }
    Http.reply(ctx, rollouts.create(req), r -> {
      ctx.response().putHeader("location", "/api/v1/rollouts/" + r.id());
      Http.json(ctx, 201, r);
    });
  }

  private void list(RoutingContext ctx) {
    Http.reply(ctx, rollouts.list(), list -> Http.json(ctx, 200, Map.of("rollouts", list)));
  }

  private void one(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw FleetException.invalid("bad_id", "rollout id must be an integer, was '" + ctx.pathParam("id") + "'");
    }
    Http.replyJson(ctx, rollouts.get(id), 200);
  }
}
