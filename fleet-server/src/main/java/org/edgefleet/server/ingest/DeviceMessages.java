package org.edgefleet.server.ingest;

import java.util.concurrent.CompletableFuture;
import org.edgefleet.protocol.mqtt.TopicKind;

/**
 * Where a transport hands a device's message once it knows which device sent it and what kind of
 * message it is: the MQTT side from the topic, the CoAP side from the resource path (and the DTLS
 * identity). Implemented by {@link DeviceInbox}; the kind names the message, not a topic.
 */
@FunctionalInterface
public interface DeviceMessages {

  /** What became of a message: a transport that answers each message (CoAP) tells the device. */
  enum Received {
    /** Stored or acted on, or a replay of one that was (the device may forget it). */
    ACCEPTED,
    /** Refused and counted by reason (fleet.device.messages.rejected): sending it again cannot help. */
    REFUSED
  }

  /** Never completes exceptionally for a bad message; a storage failure completes it exceptionally. */
  CompletableFuture<Received> accept(String deviceId, TopicKind kind, byte[] payload);
}
