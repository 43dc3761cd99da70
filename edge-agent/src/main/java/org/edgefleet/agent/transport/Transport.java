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
    return (bundle, chunks) -> publish(requestTopic, MessageCodec.encode(new ChunkRequest(bundle.digest(), chunks)), false);
  }

  /** Disconnects and releases everything; no reconnect follows. */
  @Override
  void close();
}
