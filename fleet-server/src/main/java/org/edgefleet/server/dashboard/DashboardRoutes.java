package org.edgefleet.server.dashboard;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Map;
import org.edgefleet.protocol.json.Json;

/**
 * The dashboard: static pages from the server's jar under {@value #PAGES} (Vert.x's static
 * handler reads them off the event loop and refuses paths that leave its root), Chart.js from its
 * WebJar, and the live-update stream under the API.
 */
public final class DashboardRoutes {

  /** Where the pages are served; {@code /} redirects there. */
  public static final String PAGES = "/ui/";
  public static final String STREAM = "/api/v1/events/stream";
  // Classpath roots; named so that no directory of the working directory shadows them.
  private static final String WEB_ROOT = "edgefleet-dashboard";
  private static final String WEBJARS_ROOT = "META-INF/resources/webjars";
  // Scripts only from the server itself: even markup that slipped into a page could not run.
  private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
      + " img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  private final LiveEvents events;

  public DashboardRoutes(LiveEvents events) {
    this.events = events;
  }

  /** Mounts the stream; {@code queryCheck} refuses query parameters (the API's rule). */
  public void mountStream(Router router, Handler<RoutingContext> queryCheck) {
    router.route(HttpMethod.GET, STREAM).handler(queryCheck).handler(this::stream);
  }

  public void mountPages(Router router) {
    router.route(HttpMethod.GET, "/").handler(ctx -> redirect(ctx, PAGES));
    router.route(HttpMethod.GET, PAGES + "webjars/*").handler(DashboardRoutes::secure)
        .handler(StaticHandler.create(WEBJARS_ROOT).setDirectoryListing(false).setMaxAgeSeconds(86_400));
    router.route(HttpMethod.GET, PAGES + "*").handler(DashboardRoutes::secure)
        .handler(StaticHandler.create(WEB_ROOT).setDirectoryListing(false).setIndexPage("index.html")
            .setDefaultContentEncoding("UTF-8").setCachingEnabled(true).setMaxAgeSeconds(60));
  }

  private static void secure(RoutingContext ctx) {
    ctx.response().putHeader("content-security-policy", CONTENT_SECURITY_POLICY)
        .putHeader("x-content-type-options", "nosniff").putHeader("referrer-policy", "same-origin");
    ctx.next();
  }

  private static void redirect(RoutingContext ctx, String to) {
    ctx.response().setStatusCode(302).putHeader("location", to).end();
  }

  private void stream(RoutingContext ctx) {
    if (!events.open(ctx.response())) {
      ctx.response().setStatusCode(503).putHeader("content-type", "application/json").putHeader("retry-after", "10")
          .end(Buffer.buffer(Json.write(Map.of("error", "too_many_streams", "message",
              events.maxStreams() + " live-update streams are open, the limit (--max-event-streams): close a dashboard tab or"
                  + " raise the limit"))));
    }
  }
}
