package org.edgefleet.server.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import org.edgefleet.server.registry.RegistryService;

/** Bundle upload and the model registry. */
final class BundleRoutes {

  static final String UPLOAD = "/api/v1/bundles";
  /** What an upload's body may be: neither is a type a browser sends cross-site without asking first. */
  static final Set<String> UPLOAD_TYPES = Set.of("application/vnd.edgefleet.bundle+zip", "application/octet-stream");
  private static final String KIND = "models";

  private final RegistryService registry;
  private final long maxBundleBytes;

  BundleRoutes(RegistryService registry, long maxBundleBytes) {
    this.registry = registry;
    this.maxBundleBytes = maxBundleBytes;
  }

  void mount(Router router) {
    router.route(HttpMethod.POST, UPLOAD).handler(Query.only()).handler(ctx -> BundleUpload.handle(ctx, registry, maxBundleBytes));
    router.route(HttpMethod.GET, "/api/v1/models").handler(Query.only(Query.LIMIT, Query.CURSOR)).handler(this::models);
    router.route(HttpMethod.GET, "/api/v1/models/:name/versions/:version").handler(Query.only()).handler(this::version);
    router.route(HttpMethod.DELETE, "/api/v1/models/:name/versions/:version").handler(Query.only()).handler(this::delete);
  }

  /** A page of versions in (name, version) order, grouped by name. */
  private void models(RoutingContext ctx) {
    Query q = Query.of(ctx);
    Http.reply(ctx, registry.models(q.after(KIND).orElse(null), q.limit()),
        page -> Http.json(ctx, 200, Listing.of("models", page, KIND)));
  }

  private void version(RoutingContext ctx) {
    Http.replyJson(ctx, registry.detail(ctx.pathParam("name"), Http.intParam(ctx, "version")), 200);
  }

  private void delete(RoutingContext ctx) {
    Http.reply(ctx, registry.delete(ctx.pathParam("name"), Http.intParam(ctx, "version")),
        v -> ctx.response().setStatusCode(204).end());
  }
}
