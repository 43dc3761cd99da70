package org.edgefleet.agent.transport;

import java.util.concurrent.CompletableFuture;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.transfer.ChunkRequest;

/**
 * How the agent reaches the server: MQTT (agent-mqtt) or CoAP (agent-coap). A transport connects
 * in the background and keeps reconnecting until closed; it never blocks the caller on the network.
 * Topics name the kind of each message ({@code {prefix}/d/{id}/{kind}}); a transport without topics
 * maps them to its own addresses.
 */
public interface Transport extends AutoCloseable {

  /** Registers a topic filter to subscribe (QoS 1) on every connect; call before {@link #start}. */
  void subscribe(String topicFilter);

  /** Starts connecting in the background; events go to the listener from the transport's threads. */
  void start(TransportListener listener);

  /** Whether the transport is connected and its subscriptions are in place. */
  boolean isConnected();

  /**
   * Publishes with at-least-once delivery. The future completes when the server (broker) has
   * acknowledged the message, and fails when it cannot be sent (for instance while disconnected).
   */
  CompletableFuture<Void> publish(String topic, byte[] payload, boolean retained);

  /**
   * How this transport fetches chunks; by default a chunk request message on {@code requestTopic},
   * answered by chunk frames on the chunk topic (the MQTT flow).
   */
  default ChunkFetcher chunkFetcher(String requestTopic) {
    return ChunkFetcher.telling((bundle, chunks, listening) ->
        publish(requestTopic, MessageCodec.encode(new ChunkRequest(bundle.digest(), chunks, listening)), false));
  }

  /**
   * Subscribes now (QoS 1), on the current connection only: a bundle's broadcast topic for the
   * time of a download. Completes when the broker granted it; fails when it refused,
   * when not connected, or when the transport has no such topics (the default: CoAP pulls its
   * chunks). Not renewed by a reconnect: subscribe again after {@link TransportListener#onConnected}.
   */
  default CompletableFuture<Void> subscribeForNow(String topicFilter) {
    CompletableFuture<Void> refused = new CompletableFuture<>(); // not failedFuture: Android 26 lacks it
    refused.completeExceptionally(new UnsupportedOperationException(this + " has no broadcast topics"));
    return refused;
  }

  /** Ends a subscription made with {@link #subscribeForNow}; nothing when there is none. */
  default void unsubscribe(String topicFilter) {
  }

  /** Disconnects and releases everything; no reconnect follows. */
  @Override
  void close();
}
