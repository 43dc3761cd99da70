package org.edgefleet.agent.transport;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.edgefleet.protocol.message.BundleRef;

/**
 * How the agent asks for chunks of a bundle it lacks. Each chunk asked for arrives later as a
 * chunk frame ({@code ChunkMessage}) through {@link TransportListener#onMessage} on the device's
 * chunk topic, whatever the transport; one that does not arrive within the chunk timeout is asked
 * for again, so a fetcher may lose requests. Over MQTT a request is a message the server answers
 * with chunk publications; over CoAP the transport fetches the chunk's blocks itself.
 */
@FunctionalInterface
public interface ChunkFetcher {

  /**
   * Asks for chunks of the bundle (its signed reference: digest, sizes and chunk hashes). Completes
   * when the request is sent (not when the chunks arrived); fails when it could not be.
   */
  CompletableFuture<Void> request(BundleRef bundle, List<Integer> chunks);

  /**
   * The same, saying whether the device listens to the bundle's broadcast (subscribed to its topic
   * and not yet fed by a broadcast of it): the server may then leave out chunks a broadcast brings.
   * A fetcher without broadcasts ignores it.
   */
  default CompletableFuture<Void> request(BundleRef bundle, List<Integer> chunks, boolean listening) {
    return request(bundle, chunks);
  }

  /** A fetcher that tells the server whether the device listens; without the flag it does not. */
  static ChunkFetcher telling(Telling fetch) {
    return new ChunkFetcher() {
      @Override
      public CompletableFuture<Void> request(BundleRef bundle, List<Integer> chunks) {
        return fetch.request(bundle, chunks, false);
      }

      @Override
      public CompletableFuture<Void> request(BundleRef bundle, List<Integer> chunks, boolean listening) {
        return fetch.request(bundle, chunks, listening);
      }
    };
  }

  /** {@link #request(BundleRef, List, boolean)} as a function. */
  @FunctionalInterface
  interface Telling {
    CompletableFuture<Void> request(BundleRef bundle, List<Integer> chunks, boolean listening);
  }
}
