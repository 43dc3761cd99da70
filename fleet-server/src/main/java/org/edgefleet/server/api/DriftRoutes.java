package org.edgefleet.server.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import org.edgefleet.protocol.config.DurationText;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.cohort.Selector;
import org.edgefleet.server.drift.DriftService;

/** Drift of a model version's inputs, per feature, over a window and a cohort. */
final class DriftRoutes {

  private static final String WINDOW = "window";
  private static final String SELECTOR = "selector";
  static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
  static final Duration MIN_WINDOW = Duration.ofSeconds(1);
  static final Duration MAX_WINDOW = Duration.ofDays(30);

  private final DriftService drift;

  DriftRoutes(DriftService drift) {
    this.drift = drift;
  }

  void mount(Router router) {
    router.route(HttpMethod.GET, "/api/v1/drift/models/:name/versions/:version").handler(Query.only(WINDOW, SELECTOR))
        .handler(this::version);
  }

  private void version(RoutingContext ctx) {
    Query q = Query.of(ctx);
    Duration window = q.string(WINDOW).map(DriftRoutes::window).orElse(DEFAULT_WINDOW);
    Selector selector = Selector.parse(q.string(SELECTOR).orElse(""));
    Http.replyJson(ctx, drift.report(ctx.pathParam("name"), Http.intParam(ctx, "version"), selector, window), 200);
  }

  private static Duration window(String text) {
    Duration d;
    try {
      d = DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw FleetException.invalid("bad_window", "window: " + e.getMessage());
    }
    if (d.compareTo(MIN_WINDOW) < 0 || d.compareTo(MAX_WINDOW) > 0) {
      throw FleetException.invalid("bad_window", "window must be from " + DurationText.format(MIN_WINDOW) + " to "
          + DurationText.format(MAX_WINDOW) + ", was '" + text + "'");
    }
    return d;
  }
}
