package org.edgefleet.server.api;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.edgefleet.protocol.message.SamplingPolicy;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.sampling.ExportFormat;
import org.edgefleet.server.sampling.SampleService;
import org.edgefleet.server.sampling.StoredSample;
import org.edgefleet.server.store.Page;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A version's sampling policy, its sampled inputs page by page, and their export as a dataset. */
final class SampleRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(SampleRoutes.class);
  private static final String BASE = "/api/v1/models/:name/versions/:version";
  private static final String KIND = "samples";
  private static final String FORMAT = "format";
  private static final int MAX_REQUEST_BYTES = 64 * 1024;
  /** Samples read per database round trip of an export: at most this many are in memory at once. */
  static final int EXPORT_PAGE = 32;
  static final long DEFAULT_EXPORT_LIMIT = 100_000;
  static final long MAX_EXPORT_LIMIT = 10_000_000;
  /** Values of a tensor a listing shows; the sample's own page has them all. */
  static final int PREVIEW_VALUES = 8;

  private final SampleService samples;

  SampleRoutes(SampleService samples) {
    this.samples = samples;
  }

  void mount(Router router) {
    router.route(HttpMethod.GET, BASE + "/sampling").handler(Query.only()).handler(this::policy);
    router.route(HttpMethod.PUT, BASE + "/sampling").handler(BodyHandler.create(false).setBodyLimit(MAX_REQUEST_BYTES))
        .handler(Query.only()).handler(this::setPolicy);
    router.route(HttpMethod.DELETE, BASE + "/sampling").handler(Query.only()).handler(this::deletePolicy);
    router.route(HttpMethod.GET, BASE + "/samples/export").handler(Query.only(FORMAT, Query.LIMIT)).handler(this::export);
    router.route(HttpMethod.GET, BASE + "/samples").handler(Query.only(Query.LIMIT, Query.CURSOR)).handler(this::list);
    router.route(HttpMethod.GET, BASE + "/samples/:id").handler(Query.only()).handler(this::one);
  }

  private void policy(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    int version = Http.intParam(ctx, "version");
    Http.json(ctx, 200, samples.policy(name, version).orElseThrow(() -> FleetException.notFound("no_sampling_policy",
        "model " + name + " v" + version + " has no sampling policy: set one with PUT " + ctx.request().path())));
  }

  private void setPolicy(RoutingContext ctx) {
    SamplingPolicy policy = JsonBody.read(ctx, SamplingPolicy.class,
        "{\"rate\": 0.01, \"dailyBytes\": 1048576, \"inputs\": [\"features\"], \"outputs\": [\"probabilities\"]}");
    Http.replyJson(ctx, samples.setPolicy(ctx.pathParam("name"), Http.intParam(ctx, "version"), policy), 200);
  }

  private void deletePolicy(RoutingContext ctx) {
    Http.reply(ctx, samples.deletePolicy(ctx.pathParam("name"), Http.intParam(ctx, "version")),
        had -> ctx.response().setStatusCode(204).end());
  }

  private void list(RoutingContext ctx) {
    Query q = Query.of(ctx);
    String name = ctx.pathParam("name");
    int version = Http.intParam(ctx, "version");
    long after = q.after(KIND).map(SampleRoutes::sampleId).orElse(0L);
    int limit = q.limit();
    Http.reply(ctx, samples.page(name, version, after, limit + 1).thenCombine(samples.count(name, version), (rows, total) -> {
      Page<Map<String, Object>> page = Page.of(rows, limit, s -> Long.toString(s.id())).map(SampleRoutes::summary);
      Map<String, Object> body = Listing.of(KIND, page, KIND);
      body.put("total", total);
      return body;
    }), body -> Http.json(ctx, 200, body));
  }

  private void one(RoutingContext ctx) {
    Http.replyJson(ctx, samples.sample(ctx.pathParam("name"), Http.intParam(ctx, "version"), sampleId(ctx.pathParam("id"))), 200);
  }

  private void export(RoutingContext ctx) {
    Query q = Query.of(ctx);
    String name = ctx.pathParam("name");
    int version = Http.intParam(ctx, "version");
    ExportFormat format = q.string(FORMAT).map(SampleRoutes::format).orElseThrow(() -> FleetException.invalid("bad_format",
        "give format=jsonl, csv or npz"));
    long limit = q.string(Query.LIMIT).map(SampleRoutes::exportLimit).orElse(DEFAULT_EXPORT_LIMIT);
    Context context = ctx.vertx().getOrCreateContext();
    ExportFormat.Encoder encoder = format.encoder();
    Http.reply(ctx, samples.page(name, version, 0, (int) Math.min(EXPORT_PAGE, limit)), first -> {
      String why = format.whyNot(first.isEmpty() ? null : first.get(0));
      if (why != null) {
        Http.fail(ctx, FleetException.unprocessable("format_cannot_hold", why));
        return;
      }
      ctx.response().setChunked(true).putHeader("content-type", format.contentType())
          .putHeader("content-disposition", "attachment; filename=\"" + safe(name) + "-v" + version + "-samples."
              + format.extension() + "\"");
      new Stream(ctx, context, name, version, encoder, limit).write(first);
    });
  }

  /** One export in flight: writes a page, waits for the client when its queue is full, reads the next. */
  private final class Stream {
    private final RoutingContext ctx;
    private final Context context;
    private final String name;
    private final int version;
    private final ExportFormat.Encoder encoder;
    private long left;

    Stream(RoutingContext ctx, Context context, String name, int version, ExportFormat.Encoder encoder, long limit) {
      this.ctx = ctx;
      this.context = context;
      this.name = name;
      this.version = version;
      this.encoder = encoder;
      this.left = limit;
    }

    void write(List<StoredSample> page) {
      HttpServerResponse r = ctx.response();
      if (r.closed()) {
        return; // the client went away
      }
      left -= page.size();
      r.write(Buffer.buffer(encoder.page(page)));
      if (page.size() < EXPORT_PAGE || left <= 0) {
        r.end(Buffer.buffer(encoder.finish()));
        return;
      }
      long after = page.get(page.size() - 1).id();
      Runnable next = () -> samples.page(name, version, after, (int) Math.min(EXPORT_PAGE, left))
          .whenComplete((rows, e) -> context.runOnContext(v -> {
            if (e != null) {
              LOG.warn("event=sample_export_failed model={} version={} reason=\"{}\"", name, version, e.getMessage());
              r.reset(); // a broken stream must not look like a short export
            } else {
              write(rows);
            }
          }));
      if (r.writeQueueFull()) {
        r.drainHandler(v -> next.run());
      } else {
        next.run();
      }
    }
  }

  /** A sample as a listing shows it: its tensors by shape and first values. */
  private static Map<String, Object> summary(StoredSample s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    m.put("deviceId", s.deviceId());
    m.put("requestId", s.requestId());
    m.put("takenAt", s.takenAt());
    m.put("receivedAt", s.receivedAt());
    m.put("bytes", s.bytes());
    m.put("outcome", s.outcome());
    m.put("inputs", previews(s.inputs()));
    m.put("outputs", previews(s.outputs()));
    return m;
  }

  private static Map<String, Object> previews(Map<String, Tensor> tensors) {
    Map<String, Object> out = new LinkedHashMap<>();
    new TreeMap<>(tensors).forEach((n, t) -> {
      int shown = Math.min(PREVIEW_VALUES, t.size());
      double[] values = new double[shown];
      for (int i = 0; i < shown; i++) {
        values[i] = t.get(i);
      }
      out.put(n, Map.of("dtype", t.dtype(), "shape", t.shape(), "size", t.size(), "preview", values));
    });
    return out;
  }

  private static ExportFormat format(String text) {
    try {
      return ExportFormat.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw FleetException.invalid("bad_format", "format must be jsonl, csv or npz, was '" + text + "'");
    }
  }

  private static long exportLimit(String text) {
    try {
      long n = Long.parseLong(text);
      if (n >= 1 && n <= MAX_EXPORT_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw FleetException.invalid("bad_limit", "limit of an export must be an integer from 1 to " + MAX_EXPORT_LIMIT + ", was '"
        + text + "'");
  }

  private static long sampleId(String text) {
    try {
      long id = Long.parseLong(text);
      if (id >= 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw FleetException.invalid("bad_sample_id", "a sample id is a number >= 0, was '" + text + "'");
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
