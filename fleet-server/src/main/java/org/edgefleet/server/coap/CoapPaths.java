package org.edgefleet.server.coap;

import java.util.List;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * The CoAP resource paths, shaped like the MQTT topics without the prefix:
 * {@code d/{deviceId}/desired|reported|events|telemetry|samples|status} and {@code b/{digest}}.
 */
final class CoapPaths {

  static final String DEVICES = "d";
  static final String BUNDLES = "b";

  private CoapPaths() {}

  /** The device id of a device resource path, or null when the path is not one. */
  static String deviceId(List<String> path) {
    return path.size() == 3 && path.get(0).equals(DEVICES) && Topics.isValidDeviceId(path.get(1)) ? path.get(1) : null;
  }
}
