package org.edgefleet.server.coap;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.edgefleet.server.channel.DesiredChannel;

/**
 * {@code d/{id}/desired}: the device's signed desired state, the same envelope bytes as the retained
 * MQTT message, served to a GET and notified to its observations (confirmable notifications, so a
 * lost one is sent again). One resource serves every device: each observation is filtered by the
 * device id in its path. The first request of a device makes it a CoAP device for
 * {@link org.edgefleet.server.channel.DesiredRouting}; when the server holds no state for it yet
 * (after a restart) it has the state signed and answers with it.
 *
 * <p>An empty 2.05 means the device has no desired state yet; the observation stays, and the first
 * state assigned is notified. Max-Age tells the device when to register again at the latest: that
 * is how observations come back after a server restart, which forgets them.
 */
final class DesiredResource extends CoapResource implements DesiredChannel {

  private final Map<String, byte[]> states = new ConcurrentHashMap<>();
  private final Set<String> devices = ConcurrentHashMap.newKeySet();
  private final Function<String, CompletableFuture<Void>> sign;
  private final CoapRefusals refusals;
  private final DeviceAccess access;
  private final int maxDevices;
  private final long maxAgeSeconds;

  /**
   * @param sign signs and sends the device's current state (DesiredStateService::publish), which comes
   *     back through {@link #sendDesired} before the future completes
   */
  DesiredResource(Function<String, CompletableFuture<Void>> sign, CoapRefusals refusals, DeviceAccess access, int maxDevices,
      long maxAgeSeconds) {
    super("desired");
    this.sign = sign;
    this.refusals = refusals;
    this.access = access;
    this.maxDevices = maxDevices;
    this.maxAgeSeconds = maxAgeSeconds;
    setObservable(true);
    setObserveType(Type.CON);
    getAttributes().setObservable();
  }

  /** Whether the device has asked for its desired state over CoAP since start. */
  boolean talksCoap(String deviceId) {
    return devices.contains(deviceId);
  }

  @Override
  public CompletableFuture<Void> sendDesired(String deviceId, byte[] signedState) {
    states.put(deviceId, signedState);
    // An observation of a device revoked since it registered is not notified.
    changed(relation -> {
      Request request = relation.getExchange().getRequest();
      return deviceId.equals(CoapPaths.deviceId(request.getOptions().getUriPath()))
          && access.decide(request, deviceId) == DeviceAccess.Decision.ALLOWED;
    });
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void handleGET(CoapExchange exchange) {
    String id = access.device(exchange, "read the desired state of");
    if (id == null) {
      return;
    }
    if (!devices.contains(id) && devices.size() >= maxDevices) {
      refusals.refuse(exchange, CoapRefusal.DEVICE_LIMIT, ResponseCode.SERVICE_UNAVAILABLE, "max-devices CoAP devices known");
      return;
    }
    devices.add(id);
    byte[] state = states.get(id);
    if (state != null) {
      respond(exchange, state);
      return;
    }
    sign.apply(id).whenComplete((v, e) -> respond(exchange, states.getOrDefault(id, new byte[0])));
  }

  private void respond(CoapExchange exchange, byte[] state) {
    exchange.setMaxAge(maxAgeSeconds);
    exchange.respond(ResponseCode.CONTENT, state, MediaTypeRegistry.APPLICATION_JSON);
  }
}
