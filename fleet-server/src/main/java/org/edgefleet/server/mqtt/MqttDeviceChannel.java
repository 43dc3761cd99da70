package org.edgefleet.server.mqtt;

import java.util.concurrent.CompletableFuture;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.server.channel.BundleBroadcastChannel;
import org.edgefleet.server.channel.ChunkChannel;
import org.edgefleet.server.channel.DesiredChannel;

/**
 * The MQTT side of the device channels: a desired state is a retained QoS 1 publication on the
 * device's {@code desired} topic, a chunk a QoS 1 publication on its {@code bundle/chunk} topic or,
 * once for all devices downloading the bundle, on the bundle's broadcast topic.
 */
public final class MqttDeviceChannel implements DesiredChannel, ChunkChannel, BundleBroadcastChannel {

  private final Publisher publisher;
  private final Topics topics;

  public MqttDeviceChannel(Publisher publisher, Topics topics) {
    this.publisher = publisher;
    this.topics = topics;
  }

  @Override
  public CompletableFuture<Void> sendDesired(String deviceId, byte[] signedState) {
    return publisher.publish(topics.topic(deviceId, TopicKind.DESIRED), signedState, 1, true);
  }

  @Override
  public CompletableFuture<Void> sendChunk(String deviceId, byte[] frame) {
    return publisher.publish(topics.topic(deviceId, TopicKind.BUNDLE_CHUNK), frame, 1, false);
  }

  @Override
  public CompletableFuture<Void> broadcastChunk(String digest, byte[] frame) {
    return publisher.publish(topics.bundleChunks(digest), frame, 1, false);
  }
}
