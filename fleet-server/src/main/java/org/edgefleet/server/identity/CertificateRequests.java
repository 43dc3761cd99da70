package org.edgefleet.server.identity;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.server.FleetException;

/**
 * Reads a device's certificate request (PKCS#10, PEM) and checks it before the CA signs anything:
 * its size, that it is signed by the key it carries (the device holds that key), that its subject is
 * exactly one CN holding a valid device id, and that the key is EC P-256/P-384 or RSA of 2048 to
 * 4096 bits.
 */
final class CertificateRequests {

  /** A request with a 4096-bit RSA key is about 1.7 KB of PEM: far more is not a request. */
  static final int MAX_PEM_CHARS = 8 * 1024;

  /** A checked request: the device it names and its key. */
  record Checked(String deviceId, PublicKey publicKey) {}

  private CertificateRequests() {}

  static Checked check(String pem) {
    if (pem == null || pem.isBlank()) {
      throw bad("\"csr\" is missing: send the PEM text of a PKCS#10 request (-----BEGIN CERTIFICATE REQUEST-----)");
    }
    if (pem.length() > MAX_PEM_CHARS) {
      throw bad("\"csr\" has " + pem.length() + " characters, more than the " + MAX_PEM_CHARS + " a request can need");
    }
    PKCS10CertificationRequest request;
    try {
      request = Pem.request(pem);
    } catch (IOException | RuntimeException e) {
      throw bad("\"csr\" is not readable PEM (" + e.getMessage() + ")");
    }
    if (request == null) {
      throw bad("\"csr\" holds no certificate request (-----BEGIN CERTIFICATE REQUEST-----)");
    }
    PublicKey key;
    try {
      JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(request);
      key = jca.getPublicKey();
      if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw bad("the request's signature does not verify with the key it carries: sign it with the device's key");
      }
    } catch (GeneralSecurityException | OperatorCreationException | PKCSException | RuntimeException e) {
      if (e instanceof FleetException f) {
        throw f;
      }
      throw bad("the request's key or signature is unreadable (" + e.getMessage() + ")");
    }
    checkKey(key);
    return new Checked(deviceId(request), key);
  }

  private static String deviceId(PKCS10CertificationRequest request) {
    RDN[] all = request.getSubject().getRDNs();
    RDN[] cns = request.getSubject().getRDNs(BCStyle.CN);
    if (all.length != 1 || cns.length != 1 || cns[0].isMultiValued()) {
      throw bad("the request's subject must be exactly CN=<device id>, was '" + request.getSubject() + "'");
    }
    String id = IETFUtils.valueToString(cns[0].getFirst().getValue());
    if (!Topics.isValidDeviceId(id)) {
      throw bad("the request's CN '" + id + "' is not a device id: 1-64 letters, digits, '.', '_' or '-', "
          + "starting with a letter or digit");
    }
    return id;
  }

  private static void checkKey(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits == 256 || bits == 384) {
        return;
      }
      throw bad("the request's EC key is on a " + bits + "-bit curve: use P-256 or P-384");
    }
    if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits >= 2048 && bits <= 4096) {
        return;
      }
      throw bad("the request's RSA key has " + bits + " bits: use 2048 to 4096, or EC P-256");
    }
    throw bad("the request's key is " + key.getAlgorithm() + ": use EC P-256 (or P-384, or RSA 2048-4096)");
  }

  private static FleetException bad(String message) {
    return FleetException.invalid("bad_csr", message);
  }
}
