package org.edgefleet.server.channel;

import java.util.concurrent.CompletableFuture;

/**
 * Publishes one framed chunk ({@code ChunkMessage}) once for every device downloading the bundle:
 * over MQTT a publication on the bundle's broadcast topic, which only devices whose desired state
 * names the bundle may subscribe to. A CoAP device pulls its blocks instead, so there is no CoAP
 * implementation.
 */
@FunctionalInterface
public interface BundleBroadcastChannel {

  /** Completes when the transport acknowledged the frame. */
  CompletableFuture<Void> broadcastChunk(String digest, byte[] frame);
}
