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

  private static final String SINCE = "since";
  // Telemetry times are epoch milliseconds; these keep every instant a client may name well inside them.
  private static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private final TelemetryService telemetry;
  private final RegistryService registry;
  private final ServerMetrics metrics;

  MetricsRoutes(TelemetryService telemetry, RegistryService registry, ServerMetrics metrics) {
    this.telemetry = telemetry;
    this.registry = registry;
    this.metrics = metrics;
  }

  void mount(Router router) {
    router.route(HttpMethod.GET, "/api/v1/metrics/models/:name").handler(Query.only(SINCE)).handler(this::model);
    router.route(HttpMethod.GET, "/metrics").handler(this::prometheus);
  }

  private void model(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    Instant from = Query.of(ctx).string(SINCE).map(MetricsRoutes::since).orElse(null);
    Http.replyJson(ctx, telemetry.metrics(name, from, registry.hasModel(name)), 200);
  }

  /** An instant a client names in a query, within the range telemetry times can hold. */
  static Instant since(String text) {
    return instant(SINCE, text);
  }

  /** An instant a client names in query parameter {@code name}, within the range stored times can hold. */
  static Instant instant(String name, String text) {
    try {
      Instant t = Instant.parse(text);
      if (!t.isBefore(EARLIEST) && !t.isAfter(LATEST)) {
        return t;
      }
    } catch (DateTimeParseException e) {
      // answered below
    }
    throw FleetException.invalid("bad_" + name, name + " must be an ISO-8601 instant from " + EARLIEST + " to " + LATEST
        + ", like 2026-01-31T12:00:00Z, was '" + text + "'");
  }

  private void prometheus(RoutingContext ctx) {
    ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
  }
}
