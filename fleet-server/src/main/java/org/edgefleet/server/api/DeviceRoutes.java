package org.edgefleet.server.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.edgefleet.server.desired.Assignment;
import org.edgefleet.server.desired.Desired;
import org.edgefleet.server.desired.DesiredStateService;
import org.edgefleet.server.device.DeviceService;
import org.edgefleet.server.device.DeviceView;

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

  private final DeviceService devices;
  private final DesiredStateService desired;

  DeviceRoutes(DeviceService devices, DesiredStateService desired) {
    this.devices = devices;
    this.desired = desired;
  }

  void mount(Router router) {
    router.route(HttpMethod.GET, "/api/v1/devices").handler(this::list);
    router.route(HttpMethod.GET, "/api/v1/devices/:id").handler(this::one);
  }

  private void list(RoutingContext ctx) {
    Http.reply(ctx, devices.devices().thenCombine(desired.all(), (views, all) -> {
      Map<String, Desired> byId = all.stream().collect(Collectors.toMap(Desired::deviceId, Function.identity()));
      return views.stream().map(v -> new DeviceResponse(v, DesiredView.of(Optional.ofNullable(byId.get(v.id()))))).toList();
    }), list -> Http.json(ctx, 200, Map.of("devices", list)));
  }

  private void one(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Http.replyJson(ctx, devices.device(id).thenCombine(desired.desired(id),
        (view, d) -> new DeviceResponse(view, DesiredView.of(d))), 200);
  }
}
