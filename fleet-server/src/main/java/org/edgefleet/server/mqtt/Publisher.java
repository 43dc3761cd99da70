package org.edgefleet.server.mqtt;

import java.util.concurrent.CompletableFuture;

/** Publishes to the broker; the future completes when the broker has acknowledged (QoS 1). */
@FunctionalInterface
public interface Publisher {
  CompletableFuture<Void> publish(String topic, byte[] payload, int qos, boolean retained);
}
