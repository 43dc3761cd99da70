package org.edgefleet.agent.transport;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;

/**
 * How the device authenticates over DTLS: a pre-shared key with its device id as the identity, or
 * the certificate it enrolled for and its key, with the server's certificate checked against the
 * fleet CA. The files are read when the transport is made, so a renewed certificate is used from
 * the agent's next start.
 */
public final class CoapCredentials {

  private final String pskIdentity;
  private final byte[] pskKey;
  private final PrivateKey key;
  private final X509Certificate[] chain;
  private final X509Certificate[] trusted;

  private CoapCredentials(String pskIdentity, byte[] pskKey, PrivateKey key, X509Certificate[] chain, X509Certificate[] trusted) {
    this.pskIdentity = pskIdentity;
    this.pskKey = pskKey;
    this.key = key;
    this.chain = chain;
    this.trusted = trusted;
  }

  public static CoapCredentials psk(String deviceId, byte[] key) {
    return new CoapCredentials(deviceId, key.clone(), null, null, null);
  }

  /** The device certificate (first in {@code certificate}) and its key; the server's must chain to a certificate in {@code ca}. */
  public static CoapCredentials certificate(PrivateKey key, X509Certificate[] chain, X509Certificate[] ca) {
    if (chain.length == 0 || ca.length == 0) {
      throw new IllegalArgumentException("a DTLS certificate needs the device's certificate and the CA to trust");
    }
    return new CoapCredentials(null, null, key, chain.clone(), ca.clone());
  }

  /**
   * Reads PEM files as enrollment writes them ({@code dataDir/identity/device.pem}, {@code device-key.pem},
   * {@code ca.pem}); an unusable file is refused naming the setting it came from.
   */
  static CoapCredentials certificate(Path ca, Path certificate, Path key) {
    X509Certificate[] trusted = read(ca, CoapOptions.DTLS_CA.name());
    X509Certificate[] chain = read(certificate, CoapOptions.DTLS_CERTIFICATE.name());
    try {
      return certificate(PemFiles.privateKey(key), chain, trusted);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(CoapOptions.DTLS_KEY.name() + " " + key + " is unusable: " + e.getMessage(), e);
    }
  }

  private static X509Certificate[] read(Path file, String setting) {
    try {
      X509Certificate[] certs = PemFiles.certificates(file).toArray(new X509Certificate[0]);
      if (certs.length == 0) {
        throw new IllegalArgumentException(setting + " " + file + " holds no PEM certificate");
      }
      return certs;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(setting + " " + file + " is unusable: " + e.getMessage(), e);
    }
  }

  void apply(DtlsConnectorConfig.Builder dtls) {
    if (pskKey != null) {
      dtls.setAdvancedPskStore(new AdvancedSinglePskStore(pskIdentity, pskKey));
    } else {
      dtls.setCertificateIdentityProvider(new SingleCertificateProvider(key, chain, CertificateType.X_509))
          .setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder().setTrustedCertificates(trusted).build());
    }
  }

  @Override
  public String toString() {
    return pskKey != null ? "psk(" + pskIdentity + ")" : "certificate(" + chain[0].getSubjectX500Principal() + ", trusting "
        + Arrays.toString(Arrays.stream(trusted).map(X509Certificate::getSubjectX500Principal).toArray()) + ")";
  }
}
