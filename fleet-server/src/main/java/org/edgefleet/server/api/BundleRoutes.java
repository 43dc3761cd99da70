package org.edgefleet.server.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.edgefleet.server.registry.RegistryService;

/** Bundle upload and the model registry. */
final class BundleRoutes {

  private final RegistryService registry;
  private final long maxBundleBytes;

  BundleRoutes(RegistryService registry, long maxBundleBytes) {
    this.registry = registry;
    this.maxBundleBytes = maxBundleBytes;
  }

  void mount(Router router) {
    router.route(HttpMethod.POST, "/api/v1/bundles").handler(ctx -> BundleUpload.handle(ctx, registry, maxBundleBytes));
    router.route(HttpMethod.GET, "/api/v1/models").handler(this::models);
    router.route(HttpMethod.GET, "/api/v1/models/:name/versions/:version").handler(this::version);
    router.route(HttpMethod.DELETE, "/api/v1/models/:name/versions/:version").handler(this::delete);
  }

  private void models(RoutingContext ctx) {
    Http.reply(ctx, registry.models(), models -> Http.json(ctx, 200, Map.of("models", models)));
  }

  private void version(RoutingContext ctx) {
    Http.replyJson(ctx, registry.detail(ctx.pathParam("name"), Http.intParam(ctx, "version")), 200);
  }

  private void delete(RoutingContext ctx) {
    Http.reply(ctx, registry.delete(ctx.pathParam("name"), Http.intParam(ctx, "version")),
        v -> ctx.response().setStatusCode(204).end());
  }
}
