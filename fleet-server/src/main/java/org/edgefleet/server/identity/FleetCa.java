package org.edgefleet.server.identity;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's certificate authority: an EC P-256 key and a self-signed certificate kept in
 * {@code data-dir/ca} (the key readable by the server's user only). It issues device certificates
 * (subject CN and a URI SAN {@code urn:edgefleet:device:ID} name the device) and the embedded
 * broker's TLS certificate.
 */
public final class FleetCa {

  private static final Logger LOG = LoggerFactory.getLogger(FleetCa.class);
  static final String DEVICE_URN = "urn:edgefleet:device:";
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final PrivateKey key;
  private final X509Certificate certificate;
  private final Clock clock;

  private FleetCa(PrivateKey key, X509Certificate certificate, Clock clock) {
    this.key = key;
    this.certificate = certificate;
    this.clock = clock;
  }

  /** Loads the CA from {@code dir}, or creates it there valid for {@code validity}. */
  public static FleetCa loadOrCreate(Path dir, Duration validity, Clock clock) throws IOException {
    Files.createDirectories(dir);
    Path keyFile = dir.resolve("ca-key.pem");
    Path certFile = dir.resolve("ca.pem");
    if (Files.exists(keyFile) && Files.exists(certFile)) {
      return new FleetCa(Pem.privateKey(keyFile), Pem.certificate(Files.readString(certFile)), clock);
    }
    KeyPair pair = newKeyPair();
    Instant now = clock.instant();
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "EdgeFleet").addRDN(BCStyle.CN, "EdgeFleet fleet CA")
        .build();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(validity)), name, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate cert = sign(b, pair.getPrivate());
      Pem.writePrivate(keyFile, pair);
      Pem.write(certFile, Pem.of(cert));
      LOG.info("event=fleet_ca_created not_after={} dir={}", cert.getNotAfter().toInstant(), dir.toAbsolutePath());
      return new FleetCa(pair.getPrivate(), cert, clock);
    } catch (GeneralSecurityException | IOException e) {
      throw new IOException("cannot create the fleet CA in " + dir + ": " + e.getMessage(), e);
    }
  }

  static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is missing from this JVM", e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** A device certificate for {@code deviceId}'s public key, valid from now for {@code validity}. */
  public X509Certificate issueDevice(String deviceId, PublicKey deviceKey, Duration validity) {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "EdgeFleet device").addRDN(BCStyle.CN, deviceId)
        .build();
    GeneralNames san = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, DEVICE_URN + deviceId));
    return issue(subject, deviceKey, validity, san, new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth});
  }

  /**
   * A certificate for the server's own endpoints: the broker's TLS listener (serverAuth, with the
   * host names and addresses devices use) and the server's MQTT client (clientAuth).
   */
  public X509Certificate issueServer(String name, PublicKey key, List<String> hosts, Duration validity) {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "EdgeFleet").addRDN(BCStyle.CN, name).build();
    List<GeneralName> names = new ArrayList<>();
    for (String h : hosts) {
      names.add(isAddress(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
    }
    return issue(subject, key, validity, new GeneralNames(names.toArray(GeneralName[]::new)),
        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth});
  }

  private X509Certificate issue(X500Name subject, PublicKey publicKey, Duration validity, GeneralNames san,
      KeyPurposeId[] purposes) {
    Instant now = clock.instant();
    Instant notAfter = now.plus(validity);
    if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
      notAfter = certificate.getNotAfter().toInstant(); // never outlive the CA
    }
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(now.minusSeconds(60)),
          Date.from(notAfter), subject, publicKey)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
          .addExtension(Extension.subjectAlternativeName, false, san)
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey));
      return sign(b, key);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the fleet CA cannot issue a certificate for " + subject + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code cert} was signed by this CA (its dates are not checked). */
  public boolean issued(X509Certificate cert) {
    try {
      cert.verify(certificate.getPublicKey());
      return cert.getIssuerX500Principal().equals(certificate.getSubjectX500Principal());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static boolean isAddress(String host) {
    if (!host.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
      return false;
    }
    try {
      InetAddress.getByName(host);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
