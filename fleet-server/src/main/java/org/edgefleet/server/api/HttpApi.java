package org.edgefleet.server.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.BooleanSupplier;
import org.edgefleet.server.desired.DesiredStateService;
import org.edgefleet.server.device.DeviceService;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.rollout.RolloutService;
import org.edgefleet.server.telemetry.TelemetryService;

/** The REST API under /api/v1 and Prometheus /metrics, on one Vert.x HTTP server. */
public final class HttpApi {

  /** What the routes serve. */
  public record Services(RegistryService registry, DeviceService devices, DesiredStateService desired,
      RolloutService rollouts, TelemetryService telemetry, ServerMetrics metrics, byte[] serverKeyFile,
      BooleanSupplier mqttConnected, long maxBundleBytes) {}

  private final HttpServer server;

  private HttpApi(HttpServer server) {
    this.server = server;
  }

  /** Every route of the API; also what the OpenAPI test compares the description with. */
  public static Router router(Vertx vertx, Services s) {
    Router router = Router.router(vertx);
    new BundleRoutes(s.registry(), s.maxBundleBytes()).mount(router);
    new DeviceRoutes(s.devices(), s.desired()).mount(router);
    new RolloutRoutes(s.rollouts()).mount(router);
    new MetricsRoutes(s.telemetry(), s.registry(), s.metrics()).mount(router);
    new SystemRoutes(s.serverKeyFile(), s.mqttConnected(), () -> s.devices().knownCount()).mount(router);
    router.errorHandler(404, ctx -> Http.error(ctx, 404, "not_found",
        "no route " + ctx.request().method() + " " + ctx.request().path() + ": see GET /api/v1/openapi.json"));
    router.errorHandler(405, ctx -> Http.error(ctx, 405, "method_not_allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path() + ": see GET /api/v1/openapi.json"));
    router.errorHandler(413, ctx -> Http.error(ctx, 413, "too_large", "the request body is too large"));
    router.errorHandler(500, ctx -> Http.fail(ctx, ctx.failure() == null ? new IllegalStateException("unknown failure") : ctx.failure()));
    return router;
  }

  public static Future<HttpApi> start(Vertx vertx, String host, int port, Router router) {
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port).setHandle100ContinueAutomatically(true);
    return vertx.createHttpServer(options).requestHandler(router).listen().map(HttpApi::new);
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server.close();
  }
}
