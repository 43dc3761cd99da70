package org.edgefleet.server.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.edgefleet.server.desired.Assignment;
import org.edgefleet.server.desired.Desired;
import org.edgefleet.server.desired.DesiredStateService;
import org.edgefleet.server.device.DeviceQuery;
import org.edgefleet.server.device.DeviceService;
import org.edgefleet.server.device.DeviceView;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.cohort.Selector;
import org.edgefleet.server.store.Page;

/** Devices, each with what it reported and what the server wants it to run. */
final class DeviceRoutes {

  /** A device with its desired state; the device's fields sit at the top level. */
  record DeviceResponse(@JsonUnwrapped DeviceView device, DesiredView desired) {}

  /** The desired revision and assignments; revision 0 and no models before any rollout reached the device. */
  record DesiredView(long revision, List<Assignment> models) {
    static DesiredView of(Optional<Desired> d) {
      return d.map(x -> new DesiredView(x.revision(), x.assignments())).orElse(new DesiredView(0, List.of()));
    }
  }

  /** The body of PUT .../labels: the operator's labels, replacing the ones set before. */
  record LabelsRequest(Map<String, String> labels) {}

  private static final long MAX_LABELS_BYTES = 16 * 1024;
  private static final String KIND = "devices";
  private static final String ONLINE = "online";
  private static final String SELECTOR = "selector";
  private static final String MODEL = "model";

  private final DeviceService devices;
  private final DesiredStateService desired;

  DeviceRoutes(DeviceService devices, DesiredStateService desired) {
    this.devices = devices;
    this.desired = desired;
  }

  void mount(Router router) {
    router.route(HttpMethod.GET, "/api/v1/devices")
        .handler(Query.only(Query.LIMIT, Query.CURSOR, ONLINE, SELECTOR, MODEL)).handler(this::list);
    router.route(HttpMethod.GET, "/api/v1/devices/:id").handler(Query.only()).handler(this::one);
    router.route(HttpMethod.PUT, "/api/v1/devices/:id/labels").handler(BodyHandler.create(false).setBodyLimit(MAX_LABELS_BYTES))
        .handler(Query.only()).handler(this::setLabels);
  }

  /** A page of devices; the filters are applied by the database, before paging. */
  private void list(RoutingContext ctx) {
    Query q = Query.of(ctx);
    DeviceQuery filter = new DeviceQuery(q.bool(ONLINE).orElse(null),
        q.string(SELECTOR).map(Selector::parse).orElse(Selector.ALL), q.string(MODEL).orElse(null));
    Http.reply(ctx, devices.devices(filter, q.after(KIND).orElse(null), q.limit()).thenCompose(this::withDesired),
        page -> Http.json(ctx, 200, Listing.of("devices", page, KIND)));
  }

  private CompletableFuture<Page<DeviceResponse>> withDesired(Page<DeviceView> page) {
    List<CompletableFuture<DeviceResponse>> each = page.items().stream()
        .map(v -> desired.desired(v.id()).thenApply(d -> new DeviceResponse(v, DesiredView.of(d)))).toList();
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(done -> new Page<>(each.stream().map(CompletableFuture::join).toList(), page.nextAfter()));
  }

  /** Sets the operator's labels of a device: merged over the ones it reports, they select it for cohorts. */
  private void setLabels(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    LabelsRequest req = JsonBody.read(ctx, LabelsRequest.class, "{\"labels\": {\"ring\": \"canary\"}}");
    if (req.labels() == null || req.labels().containsValue(null)) {
      throw FleetException.invalid("bad_labels", "\"labels\" must be an object of string values ({} removes every label set before)");
    }
    Http.replyJson(ctx, devices.setOperatorLabels(id, req.labels()).thenCombine(desired.desired(id),
        (view, d) -> new DeviceResponse(view, DesiredView.of(d))), 200);
  }

  private void one(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Http.replyJson(ctx, devices.device(id).thenCombine(desired.desired(id),
        (view, d) -> new DeviceResponse(view, DesiredView.of(d))), 200);
  }
}
