package org.edgefleet.server.channel;

import java.util.concurrent.CompletableFuture;

/**
 * Delivers a device's signed desired state over whichever channel the device uses (an MQTT
 * retained publication, a CoAP observe notification). The bytes are the signed envelope exactly
 * as signed: no channel re-encodes them, so the device checks the same signature on every channel.
 */
@FunctionalInterface
public interface DesiredChannel {

  /**
   * The future completes once the channel holds the state for the device (the broker acknowledged
   * the retained publication; the CoAP resource serves it to the device's next request and notifies
   * its observations), and fails when it does not.
   */
  CompletableFuture<Void> sendDesired(String deviceId, byte[] signedState);
}
