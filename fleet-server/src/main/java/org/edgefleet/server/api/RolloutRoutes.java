package org.edgefleet.server.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.rollout.Rollout;
import org.edgefleet.server.rollout.RolloutAction;
import org.edgefleet.server.rollout.RolloutFilter;
import org.edgefleet.server.rollout.RolloutRequest;
import org.edgefleet.server.rollout.RolloutService;
import org.edgefleet.server.rollout.RolloutStatus;
import org.edgefleet.server.rollout.RolloutTarget;
import org.edgefleet.server.store.Page;

/** Creating and following rollouts. */
final class RolloutRoutes {

  private static final long MAX_REQUEST_BYTES = 64 * 1024;
  private static final long MAX_ACTION_BYTES = 4 * 1024;
  private static final String KIND = "rollouts";
  private static final String TARGETS = "targets";
  private static final String STATUS = "status";
  private static final String MODEL = "model";

  /** The body of an action: why, recorded in the rollout's history. */
  record ActionRequest(String reason) {}

  private final RolloutService rollouts;

  RolloutRoutes(RolloutService rollouts) {
    this.rollouts = rollouts;
  }

  /**
   * A rollout with the first page of its targets; {@code targetsNext} is the cursor of
   * GET /api/v1/rollouts/{id}/targets for the rest, absent when every target is shown.
   */
  record RolloutResponse(@JsonUnwrapped Rollout rollout, String targetsNext) {
    static RolloutResponse of(Rollout r) {
      List<RolloutTarget> shown = r.targets();
      boolean more = shown != null && !shown.isEmpty() && r.counts().getOrDefault("total", 0) > shown.size();
      return new RolloutResponse(r, more ? Query.next(TARGETS, new Page<>(shown, Optional.of(shown.get(shown.size() - 1).deviceId())))
          : null);
    }
  }

  void mount(Router router) {
    router.route(HttpMethod.POST, "/api/v1/rollouts").handler(BodyHandler.create(false).setBodyLimit(MAX_REQUEST_BYTES))
        .handler(Query.only()).handler(this::create);
    router.route(HttpMethod.GET, "/api/v1/rollouts").handler(Query.only(Query.LIMIT, Query.CURSOR, STATUS, MODEL))
        .handler(this::list);
    router.route(HttpMethod.POST, "/api/v1/rollouts/:id/:action")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_ACTION_BYTES)).handler(Query.only()).handler(this::act);
    router.route(HttpMethod.GET, "/api/v1/rollouts/:id").handler(Query.only()).handler(this::one);
    router.route(HttpMethod.GET, "/api/v1/rollouts/:id/targets").handler(Query.only(Query.LIMIT, Query.CURSOR))
        .handler(this::targets);
  }

  private void create(RoutingContext ctx) {
    RolloutRequest req = JsonBody.read(ctx, RolloutRequest.class, "{\"model\": \"name\", \"version\": 3, \"selector\": "
        + "\"hw in (rpi3,rpi4)\", \"strategy\": {\"kind\": \"canary\", \"stages\": [{\"percent\": 10, \"bakeSeconds\": 600}, "
        + "{\"percent\": 100, \"bakeSeconds\": 600}]}}");
    Http.reply(ctx, rollouts.create(req, Query.DEFAULT_LIMIT), r -> {
      ctx.response().putHeader("location", "/api/v1/rollouts/" + r.id());
      Http.json(ctx, 201, RolloutResponse.of(r));
    });
  }

  /** A page of rollouts, newest first, optionally of one status and one model. */
  private void list(RoutingContext ctx) {
    Query q = Query.of(ctx);
    Long before = q.after(KIND).map(RolloutRoutes::parseId).orElse(null);
    RolloutFilter filter = new RolloutFilter(q.string(STATUS).map(RolloutRoutes::status).orElse(null),
        q.string(MODEL).orElse(null));
    Http.reply(ctx, rollouts.list(filter, before, q.limit()), page -> Http.json(ctx, 200, Listing.of("rollouts", page, KIND)));
  }

  /** pause, resume, promote, abort or rollback, with a reason. */
  private void act(RoutingContext ctx) {
    RolloutAction action = RolloutAction.parse(ctx.pathParam("action"));
    long id = id(ctx);
    ActionRequest req = JsonBody.read(ctx, ActionRequest.class, "{\"reason\": \"p95 regression seen on the dashboard\"}");
    Http.reply(ctx, rollouts.act(id, action, req.reason(), Query.DEFAULT_LIMIT), r -> Http.json(ctx, 200, RolloutResponse.of(r)));
  }

  private static RolloutStatus status(String name) {
    for (RolloutStatus s : RolloutStatus.values()) {
      if (s.name().equalsIgnoreCase(name)) {
        return s;
      }
    }
    throw FleetException.invalid("bad_status", "status must be one of " + Arrays.toString(RolloutStatus.values())
        + ", was '" + name + "'");
  }

  private void one(RoutingContext ctx) {
    Http.reply(ctx, rollouts.get(id(ctx), Query.DEFAULT_LIMIT), r -> Http.json(ctx, 200, RolloutResponse.of(r)));
  }

  /** A page of a rollout's targets in device id order. */
  private void targets(RoutingContext ctx) {
    Query q = Query.of(ctx);
    Http.reply(ctx, rollouts.targets(id(ctx), q.after(TARGETS).orElse(null), q.limit()),
        page -> Http.json(ctx, 200, Listing.of("targets", page, TARGETS)));
  }

  private static long id(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw FleetException.invalid("bad_id", "rollout id must be an integer, was '" + ctx.pathParam("id") + "'");
    }
  }

  private static long parseId(String key) {
    try {
      return Long.parseLong(key);
    } catch (NumberFormatException e) {
      throw FleetException.invalid("bad_cursor", "the cursor does not come from this listing");
    }
  }
}
