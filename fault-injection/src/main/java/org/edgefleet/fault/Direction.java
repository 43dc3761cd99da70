package org.edgefleet.fault;

/** Which way a packet travels through the proxy. */
public enum Direction {
  /** From the MQTT client to the broker. */
  TO_BROKER,
  /** From the broker to the MQTT client. */
  TO_CLIENT
}
