package org.edgefleet.server.api;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.edgefleet.protocol.bundle.BundleException;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.server.FleetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers in JSON, and turns failures into status codes with an {@link ApiError} body. */
final class Http {

  private static final Logger LOG = LoggerFactory.getLogger(Http.class);
  static final String JSON = "application/json";

  private Http() {}

  /** Where an error answer leaves its code for the audit log. */
  static final String ERROR_CODE_KEY = "edgefleet.error.code";

  static void json(RoutingContext ctx, int status, Object body) {
    if (body instanceof ApiError e) {
      ctx.put(ERROR_CODE_KEY, e.error());
    }
    ctx.response().setStatusCode(status).putHeader("content-type", JSON).end(Buffer.buffer(Json.write(body)));
  }

  static void error(RoutingContext ctx, int status, String code, String message) {
    if (!ctx.response().ended()) {
      json(ctx, status, new ApiError(code, message));
    }
  }

  /** Completes the request from a service's future, back on the request's event loop. */
  static <T> void reply(RoutingContext ctx, CompletionStage<T> work, Consumer<T> onSuccess) {
    Future.fromCompletionStage(work, ctx.vertx().getOrCreateContext())
        .onSuccess(onSuccess::accept)
        .onFailure(e -> fail(ctx, e));
  }

  static <T> void replyJson(RoutingContext ctx, CompletionStage<T> work, int status) {
    reply(ctx, work, body -> json(ctx, status, body));
  }

  static void fail(RoutingContext ctx, Throwable failure) {
    Throwable e = unwrap(failure);
    if (e instanceof FleetException f) {
      if (!ctx.response().ended()) {
        json(ctx, status(f.kind()), new ApiError(f.code(), f.getMessage(), f.details()));
      }
    } else if (e instanceof BundleException b) {
      error(ctx, status(b.reason()), b.reason().name().toLowerCase(Locale.ROOT), b.getMessage());
    } else {
      // A fault of the server, not of the request: the details go to the log, never to the client.
      String ref = Long.toHexString(ThreadLocalRandom.current().nextLong());
      LOG.error("event=request_failed ref={} method={} path={}", ref, ctx.request().method(), ctx.request().path(), e);
      error(ctx, 500, "internal_error", "the server failed to handle the request; its log has the details under ref=" + ref);
    }
  }

  static int status(FleetException.Kind kind) {
    return switch (kind) {
      case INVALID -> 400;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case UNPROCESSABLE -> 422;
    };
  }

  static int status(BundleException.Reason reason) {
    return switch (reason) {
      case MALFORMED -> 400;
      case TOO_LARGE -> 413;
      case VERSION_NOT_NEWER -> 409;
      case BAD_SIGNATURE, UNKNOWN_KEY, REVOKED_KEY, HASH_MISMATCH, SIZE_MISMATCH, PATH_ESCAPE, UNEXPECTED_ENTRY,
          MISSING_FILE, EXPIRED, TEST_VECTOR_FAILED, UNSUPPORTED -> 422;
    };
  }

  static int intParam(RoutingContext ctx, String name) {
    String raw = ctx.pathParam(name);
    try {
      return Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw FleetException.invalid("bad_" + name, name + " must be an integer, was '" + raw + "'");
    }
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
