package org.edgefleet.fault;

import java.util.Objects;

/**
 * A connection drop at one step of an MQTT session: the proxy closes both sides of the connection
 * on which the {@code after + 1}-th packet of {@code type} travels in {@code direction} (counted
 * from the moment the drop is armed, over all connections), instead of passing that packet on.
 */
public record Drop(Direction direction, PacketType type, int after) {

  public Drop {
    Objects.requireNonNull(direction, "direction must not be null");
    Objects.requireNonNull(type, "type must not be null");
    if (after < 0) {
      throw new IllegalArgumentException("after must be >= 0, was " + after);
    }
  }

  /** The broker accepted the client (its session exists) but the client never sees the CONNACK. */
  public static Drop beforeConnack() {
    return new Drop(Direction.TO_CLIENT, PacketType.CONNACK, 0);
  }

  /** The client saw its CONNACK; its subscriptions are never acknowledged. */
  public static Drop beforeSuback() {
    return new Drop(Direction.TO_CLIENT, PacketType.SUBACK, 0);
  }

  /** The client received {@code publishes} messages from the broker (e.g. chunks), then the link breaks. */
  public static Drop afterPublishesToClient(int publishes) {
    return new Drop(Direction.TO_CLIENT, PacketType.PUBLISH, publishes);
  }

  /** The client sent {@code publishes} messages, then the link breaks before the next reaches the broker. */
  public static Drop afterPublishesToBroker(int publishes) {
    return new Drop(Direction.TO_BROKER, PacketType.PUBLISH, publishes);
  }
}
