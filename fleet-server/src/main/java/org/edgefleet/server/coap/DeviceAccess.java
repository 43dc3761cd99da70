package org.edgefleet.server.coap;

import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;
import org.edgefleet.server.identity.CertificateNames;
import org.edgefleet.server.identity.IdentityService;

/**
 * Who may act for the device a request's path names, as DTLS authenticated the peer: the PSK
 * identity is the device id; a fleet-CA certificate names it in its CN and must still be admitted
 * (the device enrolled with the certificate's key, accepted, not revoked), the same rule as the
 * broker's over MQTT with TLS. Over plain UDP there is no authenticated identity and the path's
 * device id stands, as MQTT without TLS trusts the client id.
 */
final class DeviceAccess {

  /** Whether a request may act for a device. */
  enum Decision { ALLOWED, IDENTITY_MISMATCH, NOT_ADMITTED }

  private final CoapRefusals refusals;
  private final IdentityService identity;

  /** @param identity admits certificate holders; null when the endpoint takes no certificates */
  DeviceAccess(CoapRefusals refusals, IdentityService identity) {
    this.refusals = refusals;
    this.identity = identity;
  }

  /**
   * The device id of the exchange's path when its peer may act for it; otherwise the exchange is
   * answered (4.04 for a path that names no device, 4.03 for another device or a device no longer
   * admitted), the refusal counted, and the answer is null.
   *
   * @param what what the request does, for the log ("read the desired state of", "send as")
   */
  String device(CoapExchange exchange, String what) {
    List<String> path = exchange.getRequestOptions().getUriPath();
    String id = CoapPaths.deviceId(path);
    if (id == null) {
      refusals.refuse(exchange, CoapRefusal.UNKNOWN_PATH, ResponseCode.NOT_FOUND, "no device resource " + String.join("/", path));
      return null;
    }
    switch (decide(exchange.advanced().getRequest(), id)) {
      case IDENTITY_MISMATCH -> refusals.refuse(exchange, CoapRefusal.IDENTITY_MISMATCH, ResponseCode.FORBIDDEN,
          "DTLS identity " + peerName(exchange.advanced().getRequest()) + " may not " + what + " " + id);
      case NOT_ADMITTED -> refusals.refuse(exchange, CoapRefusal.NOT_ADMITTED, ResponseCode.FORBIDDEN,
          "device " + id + " is revoked or not enrolled with this certificate's key");
      case ALLOWED -> {
        return id;
      }
    }
    return null;
  }

  /** Whether the request (an observation's too) may act for {@code deviceId} now. */
  Decision decide(Request request, String deviceId) {
    Principal p = request.getSourceContext().getPeerIdentity();
    if (p == null) {
      return Decision.ALLOWED;
    }
    if (p instanceof PreSharedKeyIdentity psk) {
      return psk.getIdentity().equals(deviceId) ? Decision.ALLOWED : Decision.IDENTITY_MISMATCH;
    }
    if (p instanceof X509CertPath path && path.getTarget() != null) {
      X509Certificate leaf = path.getTarget();
      if (!CertificateNames.commonName(leaf).filter(deviceId::equals).isPresent()) {
        return Decision.IDENTITY_MISMATCH;
      }
      return identity != null && identity.admits(deviceId, leaf.getPublicKey()) ? Decision.ALLOWED : Decision.NOT_ADMITTED;
    }
    return Decision.IDENTITY_MISMATCH; // an identity of another kind names no device
  }

  private static String peerName(Request request) {
    Principal p = request.getSourceContext().getPeerIdentity();
    if (p instanceof PreSharedKeyIdentity psk) {
      return psk.getIdentity();
    }
    if (p instanceof X509CertPath path && path.getTarget() != null) {
      return CertificateNames.commonName(path.getTarget()).orElse("(certificate without one CN)");
    }
    return String.valueOf(p);
  }
}
