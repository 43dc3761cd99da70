package org.edgefleet.server.channel;

import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Sends each device's desired state over the channel it talks on: CoAP for a device the CoAP side
 * has heard from since start, MQTT otherwise (a retained publication also reaches a device that has
 * never connected, so MQTT is the default). A CoAP device that is not known yet after a restart
 * asks for its state with its first request, which makes it known and has the state signed again.
 */
public final class DesiredRouting implements DesiredChannel {

  private final DesiredChannel mqtt;
  private final DesiredChannel coap;
  private final Predicate<String> onCoap;

  /** @param onCoap whether the device talks CoAP; with no CoAP side, {@code id -> false} */
  public DesiredRouting(DesiredChannel mqtt, DesiredChannel coap, Predicate<String> onCoap) {
    this.mqtt = mqtt;
    this.coap = coap;
    this.onCoap = onCoap;
  }

  @Override
  public CompletableFuture<Void> sendDesired(String deviceId, byte[] signedState) {
    return (onCoap.test(deviceId) ? coap : mqtt).sendDesired(deviceId, signedState);
  }
}
