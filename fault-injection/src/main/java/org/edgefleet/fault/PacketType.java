package org.edgefleet.fault;

/** MQTT 3.1.1 control packet types, by the value of the fixed header's high nibble. */
public enum PacketType {
  RESERVED, CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK,
  PINGREQ, PINGRESP, DISCONNECT, AUTH;

  private static final PacketType[] BY_CODE = values();

  /** The type of a packet whose first byte is {@code firstByte}. */
  public static PacketType of(int firstByte) {
    return BY_CODE[(firstByte >> 4) & 0x0f];
  }
}
