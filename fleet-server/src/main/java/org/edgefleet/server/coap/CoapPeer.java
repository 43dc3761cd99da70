package org.edgefleet.server.coap;

import java.security.Principal;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;
import org.edgefleet.server.identity.CertificateNames;

/**
 * The device a CoAP request comes from, as DTLS authenticated it: the PSK identity is the device
 * id, and a fleet-CA certificate names it in its CN (as over MQTT with broker TLS). Over plain UDP
 * there is no authenticated identity and the path's device id stands, as MQTT without TLS trusts
 * the client id.
 */
final class CoapPeer {

  private CoapPeer() {}

  /** The authenticated device id, or empty over plain UDP. */
  static Optional<String> deviceId(CoapExchange exchange) {
    Principal p = exchange.advanced().getRequest().getSourceContext().getPeerIdentity();
    if (p == null) {
      return Optional.empty();
    }
    if (p instanceof PreSharedKeyIdentity psk) {
      return Optional.of(psk.getIdentity());
    }
    if (p instanceof X509CertPath path && !path.getPath().getCertificates().isEmpty()) {
      Certificate leaf = path.getPath().getCertificates().get(0);
      if (leaf instanceof X509Certificate x509) {
        return Optional.of(CertificateNames.commonName(x509).orElse(""));
      }
    }
    return Optional.of(""); // an identity of another kind names no device
  }

  /** Whether the request may act for {@code pathDevice}: always over UDP, only as itself over DTLS. */
  static boolean mayActAs(CoapExchange exchange, String pathDevice) {
    return deviceId(exchange).map(pathDevice::equals).orElse(true);
  }
}
