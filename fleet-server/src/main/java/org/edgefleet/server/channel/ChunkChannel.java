package org.edgefleet.server.channel;

import java.util.concurrent.CompletableFuture;

/**
 * Pushes one framed chunk ({@code ChunkMessage}) to a device that asked for it: the MQTT path,
 * where the server answers chunk requests. A CoAP device pulls the bundle by Block2 GET instead
 * ({@code org.edgefleet.server.coap.BundleResource}), so this channel has no CoAP implementation.
 */
@FunctionalInterface
public interface ChunkChannel {

  /** Completes when the transport acknowledged the frame; a failed future frees the chunk's in-flight slot. */
  CompletableFuture<Void> sendChunk(String deviceId, byte[] frame);
}
