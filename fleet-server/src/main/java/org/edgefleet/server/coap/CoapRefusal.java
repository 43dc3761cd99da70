package org.edgefleet.server.coap;

import java.util.Locale;

/**
 * Why the CoAP side refused a request before it reached the inbox; the label of
 * {@code fleet.coap.requests.refused}. What the inbox refuses (bad JSON, another device named in the
 * message, a replay) is counted in {@code fleet.device.messages.rejected} as over MQTT.
 */
enum CoapRefusal {
  /** The path names a device other than the one the DTLS session authenticated. */
  IDENTITY_MISMATCH,
  /**
   * A fleet-CA certificate of a device that is revoked, not accepted yet, or not enrolled with the
   * certificate's key: its handshake is refused, or a request of a session older than the revocation.
   */
  NOT_ADMITTED,
  /** A DTLS handshake with a certificate that does not chain to the fleet CA, or is out of its dates. */
  UNTRUSTED_CERTIFICATE,
  /** A path that is no device resource or bundle, or a device id that is not valid. */
  UNKNOWN_PATH,
  /** A payload over the limit of its message kind. */
  TOO_LARGE,
  /** A Block2 option beyond the bundle's end, or a block size the server does not serve. */
  BAD_BLOCK,
  /** A bundle digest the server does not hold. */
  UNKNOWN_BUNDLE,
  /** More CoAP devices than max-devices asked for their desired state. */
  DEVICE_LIMIT,
  /** A datagram Californium could not parse (malformed header or options): answered with a reset. */
  MALFORMED;

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
