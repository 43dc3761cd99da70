package org.edgefleet.server.coap;

import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.server.ingest.DeviceMessages;

/**
 * {@code d/{id}/reported|events|telemetry|samples|status}: a confirmable POST carries one message of
 * the kind, in the same JSON as over MQTT, to the inbox. The answer says what became of it: 2.04
 * once stored (or a replay of a stored one), 4.00 when refused (it is counted by reason; sending it
 * again cannot help), 4.03 for another device's path, 4.13 over the kind's limit, 5.03 when storage
 * failed (the device keeps it in its outbox and sends it again).
 */
final class UplinkResource extends CoapResource {

  private final TopicKind kind;
  private final DeviceMessages inbox;
  private final CoapRefusals refusals;
  private final DeviceAccess access;
  private final int maxBytes;

  UplinkResource(TopicKind kind, DeviceMessages inbox, CoapRefusals refusals, DeviceAccess access, int maxBytes) {
    super(kind.path());
    this.kind = kind;
    this.inbox = inbox;
    this.refusals = refusals;
    this.access = access;
    this.maxBytes = maxBytes;
  }

  @Override
  public void handlePOST(CoapExchange exchange) {
    String id = access.device(exchange, "send as");
    if (id == null) {
      return;
    }
    byte[] payload = exchange.getRequestPayload();
    if (payload.length > maxBytes) {
      refusals.refuse(exchange, CoapRefusal.TOO_LARGE, ResponseCode.REQUEST_ENTITY_TOO_LARGE,
          kind.path() + " of " + payload.length + " bytes exceeds " + maxBytes);
      return;
    }
    inbox.accept(id, kind, payload).whenComplete((received, e) -> {
      if (e != null) {
        exchange.respond(ResponseCode.SERVICE_UNAVAILABLE, "not stored, send again later");
      } else if (received == DeviceMessages.Received.ACCEPTED) {
        exchange.respond(ResponseCode.CHANGED);
      } else {
        exchange.respond(ResponseCode.BAD_REQUEST, kind.path() + " refused: see fleet_device_messages_rejected_total");
      }
    });
  }

  /** PUT is taken as POST: a C client may well PUT its state; the message's own sequence makes either idempotent. */
  @Override
  public void handlePUT(CoapExchange exchange) {
    handlePOST(exchange);
  }
}
