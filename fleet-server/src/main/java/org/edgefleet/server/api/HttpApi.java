package org.edgefleet.server.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import org.edgefleet.server.access.Sessions;
import org.edgefleet.server.access.TokenService;
import org.edgefleet.server.alert.AlertService;
import org.edgefleet.server.audit.AuditService;
import org.edgefleet.server.dashboard.DashboardRoutes;
import org.edgefleet.server.dashboard.LiveEvents;
import org.edgefleet.server.desired.DesiredStateService;
import org.edgefleet.server.cohort.CohortService;
import org.edgefleet.server.device.DeviceService;
import org.edgefleet.server.drift.DriftService;
import org.edgefleet.server.identity.CertificateWatch;
import org.edgefleet.server.identity.IdentityService;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.rollout.RolloutService;
import org.edgefleet.server.sampling.SampleService;
import org.edgefleet.server.telemetry.TelemetryService;

/**
 * The REST API under /api/v1, Prometheus /metrics and the dashboard, on one Vert.x HTTP server;
 * every request passes the audit trail and the access check ({@link AccessTable}) first.
 */
public final class HttpApi {

  /** What the routes serve. */
  public record Services(RegistryService registry, DeviceService devices, DesiredStateService desired,
      RolloutService rollouts, CohortService cohorts, TelemetryService telemetry, DriftService drift, ServerMetrics metrics,
      byte[] serverKeyFile, BooleanSupplier mqttConnected, long maxBundleBytes, List<String> allowedOrigins, LiveEvents events,
      AlertService alerts, IdentityService identity, CertificateWatch certificates, SampleService samples, TokenService tokens,
      Sessions sessions, AuditService audit) {}

  private static final Set<HttpMethod> TIMED_METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
      HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);

  private final HttpServer server;

  private HttpApi(HttpServer server) {
    this.server = server;
  }

  /** Every route of the API; also what the OpenAPI test compares the description with. */
  public static Router router(Vertx vertx, Services s) {
    Router router = Router.router(vertx);
    if (s.metrics() != null) {
      router.route().handler(ctx -> timed(ctx, s.metrics()));
    }
    // Audit first, so that refusals of the access check are recorded too; access before any route.
    router.route().handler(new AuditTrail(s.audit()));
    router.route().handler(new Access(s.tokens(), s.sessions()));
    router.route().handler(new CrossSiteGuard(s.allowedOrigins(), Map.of(BundleRoutes.UPLOAD, BundleRoutes.UPLOAD_TYPES)));
    new BundleRoutes(s.registry(), s.maxBundleBytes()).mount(router);
    new DeviceRoutes(s.devices(), s.desired()).mount(router);
    new RolloutRoutes(s.rollouts()).mount(router);
    new CohortRoutes(s.cohorts()).mount(router);
    new MetricsRoutes(s.telemetry(), s.registry(), s.metrics()).mount(router);
    new DriftRoutes(s.drift()).mount(router);
    new AlertRoutes(s.alerts()).mount(router);
    new ResourceRoutes(s.telemetry(), s.devices()).mount(router);
    new SampleRoutes(s.samples()).mount(router);
    new EnrollmentRoutes(s.identity()).mount(router);
    new SystemRoutes(s.serverKeyFile(), s.mqttConnected(), () -> s.devices().knownCount(), s.certificates()).mount(router);
    new TokenRoutes(s.tokens()).mount(router);
    new SessionRoutes(s.tokens(), s.sessions()).mount(router);
    new AuditRoutes(s.audit()).mount(router);
    DashboardRoutes dashboard = new DashboardRoutes(s.events());
    dashboard.mountStream(router, Query.only());
    dashboard.mountPages(router);
    router.errorHandler(400, ctx -> Http.error(ctx, 400, "bad_request", "the request is malformed (its path, query or headers)"));
    router.errorHandler(404, ctx -> Http.error(ctx, 404, "not_found",
        "no route " + ctx.request().method() + " " + ctx.request().path() + ": see GET /api/v1/openapi.json"));
    router.errorHandler(405, ctx -> Http.error(ctx, 405, "method_not_allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path() + ": see GET /api/v1/openapi.json"));
    router.errorHandler(413, ctx -> Http.error(ctx, 413, "too_large", "the request body is too large"));
    router.errorHandler(500, ctx -> Http.fail(ctx, ctx.failure() == null ? new IllegalStateException("unknown failure") : ctx.failure()));
    AccessTable.requireCovers(router);
    return router;
  }

  // Timed by the route's template, and by a fixed set of methods, so clients cannot add series at will.
  private static void timed(RoutingContext ctx, ServerMetrics metrics) {
    long start = System.nanoTime();
    ctx.addEndHandler(done -> {
      Route route = ctx.currentRoute();
      String template = route == null || route.getPath() == null ? "unmatched" : route.getPath();
      HttpMethod m = ctx.request().method();
      metrics.httpRequest(TIMED_METHODS.contains(m) ? m.name() : "OTHER", template, ctx.response().getStatusCode(),
          System.nanoTime() - start);
    });
    ctx.next();
  }

  public static Future<HttpApi> start(Vertx vertx, String host, int port, Router router) {
    // No HTTP/2 cleartext upgrade: a response streamed in several writes (a sample export) to the very
    // request that asked for the upgrade sometimes reached the JDK client as raw bytes inside the HTTP/2
    // connection. Clients that offer the upgrade go on in HTTP/1.1; browsers never offer it.
    HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port).setHandle100ContinueAutomatically(true)
        .setHttp2ClearTextEnabled(false);
    return vertx.createHttpServer(options).requestHandler(router).listen().map(HttpApi::new);
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server.close();
  }
}
