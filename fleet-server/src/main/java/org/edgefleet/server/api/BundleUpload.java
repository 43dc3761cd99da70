package org.edgefleet.server.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.Map;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.registry.RegistryService.Registration;

/**
 * One bundle upload: the body streams into a temp file (never into memory) with write-queue
 * backpressure, bounded by the size limit; once complete, the registry verifies and stores it off
 * the event loop. A body over the limit is answered with 413 at once, then drained up to one more
 * limit's worth (so the client can read the answer) before the connection is closed.
 */
final class BundleUpload {

  private final RoutingContext ctx;
  private final HttpServerRequest req;
  private final RegistryService registry;
  private final Path temp;
  private final long limit;
  private AsyncFile file;
  private long received;
  private boolean refused;

  private BundleUpload(RoutingContext ctx, RegistryService registry, Path temp, long limit) {
    this.ctx = ctx;
    this.req = ctx.request();
    this.registry = registry;
    this.temp = temp;
    this.limit = limit;
  }

  static void handle(RoutingContext ctx, RegistryService registry, long limit) {
    new BundleUpload(ctx, registry, registry.newUploadPath(), limit).start();
  }

  private void start() {
    req.pause();
    String declared = req.getHeader("content-length");
    if (declared != null && parseLong(declared) > limit) {
      refuse("the declared body of " + declared + " bytes");
      req.handler(this::onData);
      req.resume();
      return;
    }
    ctx.vertx().fileSystem().open(temp.toString(), new OpenOptions().setWrite(true).setCreateNew(true)).onComplete(ar -> {
      if (ar.failed()) {
        Http.fail(ctx, ar.cause());
        req.resume();
        return;
      }
      file = ar.result();
      req.handler(this::onData);
      req.endHandler(v -> onEnd());
      req.exceptionHandler(e -> discard());
      req.resume();
    });
  }

  private void onData(Buffer chunk) {
    received += chunk.length();
    if (refused) {
      if (received > 2 * limit) {
        req.connection().close();
      }
      return;
    }
    if (received > limit) {
      refuse("the body of more than " + limit + " bytes");
      discard();
      return;
    }
    file.write(chunk);
    if (file.writeQueueFull()) {
      req.pause();
      file.drainHandler(v -> req.resume());
    }
  }

  private void onEnd() {
    if (refused) {
      return;
    }
    file.close().onComplete(closed -> {
      if (closed.failed()) {
        Http.fail(ctx, closed.cause());
        return;
      }
      Http.reply(ctx, registry.register(temp), this::registered);
    });
  }

  private void registered(Registration r) {
    var v = r.version();
    Http.json(ctx, r.created() ? 201 : 200, Map.of("name", v.name(), "version", v.version(), "digest", v.digest(),
        "size", v.size(), "format", v.format().wireName(), "created", r.created()));
  }

  private void refuse(String what) {
    refused = true;
    Http.error(ctx, 413, "too_large", what + " exceeds the upload limit of " + limit
        + " bytes: raise --max-bundle-size or make the bundle smaller");
  }

  private void discard() {
    if (file != null) {
      file.close().onComplete(v -> ctx.vertx().fileSystem().delete(temp.toString()));
    }
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
