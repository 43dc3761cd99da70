package org.edgefleet.server.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import org.edgefleet.server.cohort.Selector;
import org.edgefleet.server.device.DeviceRecord;
import org.edgefleet.server.device.DeviceService;
import org.edgefleet.server.telemetry.TelemetryService;

/** Resource use (CPU load, memory, temperature: min, mean, max) of a cohort's devices over raw telemetry and its buckets. */
final class ResourceRoutes {

  private static final String SINCE = "since";
  private static final String SELECTOR = "selector";

  private final TelemetryService telemetry;
  private final DeviceService devices;

  ResourceRoutes(TelemetryService telemetry, DeviceService devices) {
    this.telemetry = telemetry;
    this.devices = devices;
  }

  void mount(Router router) {
    router.route(HttpMethod.GET, "/api/v1/metrics/resources").handler(Query.only(SINCE, SELECTOR)).handler(this::resources);
  }

  private void resources(RoutingContext ctx) {
    Query q = Query.of(ctx);
    Instant since = q.string(SINCE).map(MetricsRoutes::since).orElse(null);
    Selector selector = Selector.parse(q.string(SELECTOR).orElse(""));
    Http.replyJson(ctx, telemetry.resources(tx -> selector.isAll() ? null
        : devices.matching(tx, selector).stream().map(DeviceRecord::id).toList(), since), 200);
  }
}
