package org.edgefleet.server.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.audit.AuditFilter;
import org.edgefleet.server.audit.AuditService;

/** The audit log, newest first, filtered by actor and time, page by page. */
final class AuditRoutes {

  static final String AUDIT = "/api/v1/audit";
  private static final String KIND = "entries";
  private static final String ACTOR = "actor";
  private static final String SINCE = "since";
  private static final String UNTIL = "until";
  private static final int MAX_ACTOR_CHARS = 200;

  private final AuditService audit;

  AuditRoutes(AuditService audit) {
    this.audit = audit;
  }

  void mount(Router router) {
    router.route(HttpMethod.GET, AUDIT).handler(Query.only(Query.LIMIT, Query.CURSOR, ACTOR, SINCE, UNTIL)).handler(this::list);
  }

  private void list(RoutingContext ctx) {
    Query q = Query.of(ctx);
    String actor = q.string(ACTOR).orElse(null);
    if (actor != null && (actor.isEmpty() || actor.length() > MAX_ACTOR_CHARS)) {
      throw FleetException.invalid("bad_actor", "actor must be 1 to " + MAX_ACTOR_CHARS + " characters, like token:ci-deploy");
    }
    Instant since = q.string(SINCE).map(t -> MetricsRoutes.instant(SINCE, t)).orElse(null);
    Instant until = q.string(UNTIL).map(t -> MetricsRoutes.instant(UNTIL, t)).orElse(null);
    if (since != null && until != null && !since.isBefore(until)) {
      throw FleetException.invalid("bad_range", "since (" + since + ") must be before until (" + until + ")");
    }
    Long before = q.after(KIND).map(AuditRoutes::id).orElse(null);
    Http.reply(ctx, audit.list(new AuditFilter(actor, since, until, before), q.limit()),
        page -> Http.json(ctx, 200, Listing.of(KIND, page, KIND)));
  }

  private static long id(String cursorKey) {
    try {
      return Long.parseLong(cursorKey);
    } catch (NumberFormatException e) {
      throw FleetException.invalid("bad_cursor", "cursor does not name an audit entry: pass back the \"next\" of the previous answer");
    }
  }
}
