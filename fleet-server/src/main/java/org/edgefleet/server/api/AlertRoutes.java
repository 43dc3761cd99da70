package org.edgefleet.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.edgefleet.protocol.config.DurationText;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.alert.AlertMetric;
import org.edgefleet.server.alert.AlertRule;
import org.edgefleet.server.alert.AlertService;
import org.edgefleet.server.alert.AlertState;
import org.edgefleet.server.cohort.Selector;

/** Alert rules (create, read, replace, delete) and the alerts they raised. */
final class AlertRoutes {

  private static final long MAX_REQUEST_BYTES = 8 * 1024;
  private static final String RULES = "alert-rules";
  private static final String ALERTS = "alerts";
  private static final String STATE = "state";
  private static final String EXAMPLE = "{\"metric\": \"latency_p95_ms\", \"model\": \"m\", \"version\": 3, "
      + "\"cohort\": \"region=eu\", \"threshold\": 50, \"for\": \"2m\", \"window\": \"1m\"}";

  /** The body of PUT /api/v1/alert-rules/{name}; durations as text (30s, 2m, 1h). */
  record RuleRequest(String metric, String model, Integer version, String cohort, Double threshold,
      @JsonProperty("for") String forDuration, String window) {}

  private final AlertService alerts;

  AlertRoutes(AlertService alerts) {
    this.alerts = alerts;
  }

  void mount(Router router) {
    router.route(HttpMethod.GET, "/api/v1/alerts").handler(Query.only(STATE, Query.LIMIT, Query.CURSOR)).handler(this::list);
    router.route(HttpMethod.GET, "/api/v1/alert-rules").handler(Query.only(Query.LIMIT, Query.CURSOR)).handler(this::rules);
    router.route(HttpMethod.PUT, "/api/v1/alert-rules/:name").handler(BodyHandler.create(false).setBodyLimit(MAX_REQUEST_BYTES))
        .handler(Query.only()).handler(this::save);
    router.route(HttpMethod.GET, "/api/v1/alert-rules/:name").handler(Query.only()).handler(this::rule);
    router.route(HttpMethod.DELETE, "/api/v1/alert-rules/:name").handler(Query.only()).handler(this::delete);
  }

  private void list(RoutingContext ctx) {
    Query q = Query.of(ctx);
    List<AlertState> states = q.string(STATE).map(AlertRoutes::states).orElse(List.of(AlertState.FIRING, AlertState.RESOLVED));
    Long before = q.after(ALERTS).map(AlertRoutes::alertId).orElse(null);
    Http.reply(ctx, alerts.alerts(states, before, q.limit()), page -> Http.json(ctx, 200, Listing.of("alerts", page, ALERTS)));
  }

  private void rules(RoutingContext ctx) {
    Query q = Query.of(ctx);
    Http.reply(ctx, alerts.rules(q.after(RULES).orElse(null), q.limit()), page -> Http.json(ctx, 200, Listing.of("rules", page, RULES)));
  }

  /** Creates (201) or replaces (200) a rule; alerts it already raised keep the rule as it was. */
  private void save(RoutingContext ctx) {
    RuleRequest req = JsonBody.read(ctx, RuleRequest.class, EXAMPLE);
    if (req.threshold() == null) {
      throw FleetException.invalid("bad_threshold", "a rule needs \"threshold\": send JSON like " + EXAMPLE);
    }
    Instant now = Instant.EPOCH; // stamped by the service
    AlertRule rule = new AlertRule(ctx.pathParam("name"), AlertMetric.parse(req.metric()), req.model(), req.version(),
        Selector.parse(req.cohort()), req.threshold(), duration("for", req.forDuration()), duration("window", req.window()), now, now);
    Http.reply(ctx, alerts.save(rule), saved -> Http.json(ctx, saved.getValue() ? 201 : 200, saved.getKey()));
  }

  private void rule(RoutingContext ctx) {
    Http.replyJson(ctx, alerts.rule(ctx.pathParam("name")), 200);
  }

  private void delete(RoutingContext ctx) {
    Http.reply(ctx, alerts.deleteRule(ctx.pathParam("name")), v -> ctx.response().setStatusCode(204).end());
  }

  private static Duration duration(String field, String text) {
    if (text == null) {
      return null;
    }
    try {
      return DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw FleetException.invalid("bad_" + field, field + ": " + e.getMessage());
    }
  }

  private static List<AlertState> states(String text) {
    List<AlertState> states = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      try {
        states.add(AlertState.valueOf(part.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw FleetException.invalid("bad_state", "state must be a comma-separated list of pending, firing and resolved, was '"
            + (text.length() > 64 ? text.substring(0, 64) + "..." : text) + "'");
      }
    }
    return states.stream().distinct().toList();
  }

  private static long alertId(String key) {
    try {
      return Long.parseLong(key);
    } catch (NumberFormatException e) {
      throw FleetException.invalid("bad_cursor", "cursor is not the next of an alerts page: pass back the \"next\" of the previous answer unchanged");
    }
  }
}
