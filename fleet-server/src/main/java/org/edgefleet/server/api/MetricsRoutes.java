package org.edgefleet.server.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.telemetry.TelemetryService;

/** Model metrics from device telemetry, and the server's own metrics for Prometheus. */
final class MetricsRoutes {

  private final TelemetryService telemetry;
  private final RegistryService registry;
  private final ServerMetrics metrics;

  MetricsRoutes(TelemetryService telemetry, RegistryService registry, ServerMetrics metrics) {
    this.telemetry = telemetry;
    this.registry = registry;
    this.metrics = metrics;
  }

  void mount(Router router) {
    router.route(HttpMethod.GET, "/api/v1/metrics/models/:name").handler(this::model);
    router.route(HttpMethod.GET, "/metrics").handler(this::prometheus);
  }

  private void model(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String since = ctx.queryParams().get("since");
    Instant from;
    try {
      from = since == null ? null : Instant.parse(since);
    } catch (DateTimeParseException e) {
      throw FleetException.invalid("bad_since", "since must be an ISO-8601 instant like 2026-01-31T12:00:00Z, was '" + since + "'");
    }
    Http.replyJson(ctx, telemetry.metrics(name, from, registry.hasModel(name)), 200);
  }

  private void prometheus(RoutingContext ctx) {
    ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
  }
}
