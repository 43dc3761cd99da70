package org.edgefleet.server.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.edgefleet.server.audit.AuditEntry;
import org.edgefleet.server.audit.AuditService;

/**
 * Records every changing request once in the audit log, refused ones too: when its answer's
 * headers go out (so the entry is queued before the caller can read the log), or when the
 * connection closes with no answer. Never a body, never a header: those carry the secrets.
 */
final class AuditTrail implements Handler<RoutingContext> {

  private static final Set<HttpMethod> CHANGING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
  // Path parameters are the caller's text: bounded, so a hostile path cannot bloat the log.
  private static final int MAX_TARGET_CHARS = 512;
  private static final int MAX_ROUTE_CHARS = 256;

  private final AuditService audit;

  AuditTrail(AuditService audit) {
    this.audit = audit;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (CHANGING.contains(ctx.request().method())) {
      AtomicBoolean recorded = new AtomicBoolean();
      ctx.addHeadersEndHandler(v -> {
        if (recorded.compareAndSet(false, true)) {
          record(ctx, ctx.response().getStatusCode());
        }
      });
      ctx.addEndHandler(done -> {
        if (recorded.compareAndSet(false, true)) {
          record(ctx, 0);
        }
      });
    }
    ctx.next();
  }

  private void record(RoutingContext ctx, int status) {
    Caller caller = Caller.of(ctx);
    AccessTable.Match match = ctx.get(Access.MATCH_KEY);
    String route = match != null ? match.rule().route() : ctx.request().method().name() + " " + bounded(ctx.request().path(), MAX_ROUTE_CHARS);
    Map<String, String> params = match != null ? match.params() : Map.of();
    String target = bounded(params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")),
        MAX_TARGET_CHARS);
    String error = status >= 400 ? ctx.get(Http.ERROR_CODE_KEY) : status == 0 ? "connection_closed" : null;
    audit.record(new AuditEntry(0, audit.clock().instant(), caller.actor(), caller.token() == null ? null : caller.token().id(),
        caller.role() == null ? null : caller.role().apiName(), ctx.request().method().name(), route, target, status, error));
  }

  private static String bounded(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
