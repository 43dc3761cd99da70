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
  private static final String POINTS = "points";
  private static final String FEATURES = "features";
  static final int DEFAULT_POINTS = 30;
  static final int MAX_POINTS = 120;
  static final int DEFAULT_FEATURES = 8;
  static final int MAX_FEATURES = 20;
  static final Duration MIN_SERIES_WINDOW = Duration.ofMinutes(1);
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
    router.route(HttpMethod.GET, "/api/v1/drift/models/:name/versions/:version/series")
        .handler(Query.only(WINDOW, SELECTOR, POINTS, FEATURES)).handler(this::series);
  }

  private void version(RoutingContext ctx) {
    Query q = Query.of(ctx);
    Duration window = q.string(WINDOW).map(DriftRoutes::window).orElse(DEFAULT_WINDOW);
    Selector selector = Selector.parse(q.string(SELECTOR).orElse(""));
    Http.replyJson(ctx, drift.report(ctx.pathParam("name"), Http.intParam(ctx, "version"), selector, window), 200);
  }

  private void series(RoutingContext ctx) {
    Query q = Query.of(ctx);
    Duration window = q.string(WINDOW).map(DriftRoutes::window).orElse(DEFAULT_WINDOW);
    if (window.compareTo(MIN_SERIES_WINDOW) < 0) {
      throw FleetException.invalid("bad_window", "a series' window must be at least " + DurationText.format(MIN_SERIES_WINDOW)
          + ", was '" + q.string(WINDOW).orElse("") + "'");
    }
    int points = q.string(POINTS).map(t -> count(POINTS, t, 2, MAX_POINTS)).orElse(DEFAULT_POINTS);
    int features = q.string(FEATURES).map(t -> count(FEATURES, t, 1, MAX_FEATURES)).orElse(DEFAULT_FEATURES);
    Selector selector = Selector.parse(q.string(SELECTOR).orElse(""));
    Http.replyJson(ctx, drift.series(ctx.pathParam("name"), Http.intParam(ctx, "version"), selector, window, points, features), 200);
  }

  private static int count(String name, String text, int min, int max) {
    try {
      int n = Integer.parseInt(text);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw FleetException.invalid("bad_" + name, name + " must be an integer from " + min + " to " + max + ", was '" + text + "'");
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
