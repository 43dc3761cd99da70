package org.edgefleet.server.coap;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertDescription;
import org.eclipse.californium.scandium.dtls.AlertMessage.AlertLevel;
import org.eclipse.californium.scandium.dtls.CertificateMessage;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.CertificateVerificationResult;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.x509.NewAdvancedCertificateVerifier;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;
import org.eclipse.californium.scandium.util.ServerNames;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.server.identity.CertificateNames;
import org.edgefleet.server.identity.IdentityService;

/**
 * Checks a device's certificate in the DTLS handshake: it must chain to the fleet CA and be in its
 * dates (Scandium's PKIX check), and name in its CN a device that enrolled with the certificate's
 * key and is accepted, not revoked ({@link IdentityService#admits}). A refused handshake gets a
 * fatal alert and no session, and is counted ({@code untrusted_certificate}, {@code not_admitted}).
 * A session outlives a revocation: {@link DeviceAccess} checks the admission on every request too.
 */
final class FleetCertificateVerifier implements NewAdvancedCertificateVerifier {

  private final NewAdvancedCertificateVerifier trust;
  private final IdentityService identity;
  private final CoapRefusals refusals;

  FleetCertificateVerifier(IdentityService identity, CoapRefusals refusals) {
    this.trust = StaticNewAdvancedCertificateVerifier.builder().setTrustedCertificates(identity.ca().certificate())
        .setSupportedCertificateTypes(List.of(CertificateType.X_509)).build();
    this.identity = identity;
    this.refusals = refusals;
  }

  @Override
  public List<CertificateType> getSupportedCertificateTypes() {
    return trust.getSupportedCertificateTypes();
  }

  @Override
  public CertificateVerificationResult verifyCertificate(ConnectionId cid, ServerNames serverName, InetSocketAddress remotePeer,
      boolean clientUsage, boolean verifySubject, boolean truncateCertificatePath, CertificateMessage message) {
    CertificateVerificationResult r = trust.verifyCertificate(cid, serverName, remotePeer, clientUsage, verifySubject,
        truncateCertificatePath, message);
    if (r.getException() != null) {
      refusals.count(CoapRefusal.UNTRUSTED_CERTIFICATE, String.valueOf(remotePeer), r.getException().getMessage());
      return r;
    }
    X509Certificate leaf = (X509Certificate) r.getCertificatePath().getCertificates().get(0);
    String id = CertificateNames.commonName(leaf).orElse("");
    if (!Topics.isValidDeviceId(id) || !identity.admits(id, leaf.getPublicKey())) {
      String why = "certificate of '" + id + "': no device enrolled with its key, or not accepted, or revoked";
      refusals.count(CoapRefusal.NOT_ADMITTED, String.valueOf(remotePeer), why);
      return new CertificateVerificationResult(cid, new HandshakeException(why,
          new AlertMessage(AlertLevel.FATAL, AlertDescription.ACCESS_DENIED)), null);
    }
    return r;
  }

  @Override
  public List<X500Principal> getAcceptedIssuers() {
    return trust.getAcceptedIssuers();
  }

  @Override
  public void setResultHandler(HandshakeResultHandler resultHandler) {
    trust.setResultHandler(resultHandler);
  }
}
