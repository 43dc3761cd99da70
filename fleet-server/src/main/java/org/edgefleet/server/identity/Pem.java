package org.edgefleet.server.identity;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** PEM text of certificates, keys and certificate requests, and key files readable only by their owner. */
public final class Pem {

  private Pem() {}

  /** PEM text of a certificate, a certificate request, or a private key (PKCS#8, which OpenSSL and the agent read). */
  public static String of(Object value) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      if (value instanceof PrivateKey key) {
        w.writeObject(new JcaPKCS8Generator(key, null));
      } else {
        w.writeObject(value);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The one object of a PEM text, or null when the text holds none. */
  static Object read(String pem) throws IOException {
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      return p.readObject();
    }
  }

  public static X509Certificate certificate(String pem) throws IOException {
    Object o = read(pem);
    if (!(o instanceof X509CertificateHolder holder)) {
      throw new IOException("not a PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IOException("unreadable certificate: " + e.getMessage(), e);
    }
  }

  /** A certificate request, or null when the text is not one. */
  static PKCS10CertificationRequest request(String pem) throws IOException {
    return read(pem) instanceof PKCS10CertificationRequest r ? r : null;
  }

  static PrivateKey privateKey(Path file) throws IOException {
    Object o = read(Files.readString(file));
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    if (o instanceof PEMKeyPair pair) {
      return converter.getKeyPair(pair).getPrivate();
    }
    if (o instanceof PrivateKeyInfo info) {
      return converter.getPrivateKey(info);
    }
    throw new IOException(file + " holds no PEM private key");
  }

  /** Writes a private key readable by its owner only (temp file, then rename), so no one else ever sees it. */
  static void writePrivate(Path file, KeyPair key) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, of(key.getPrivate()), StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static void write(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
