package org.edgefleet.agent.transport;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * TLS sockets for a device: the broker's certificate must chain to the given CA (the fleet CA),
 * and the device presents its certificate and key. The certificate and key files are read again
 * when they change, at the next handshake, so a renewed certificate is used from the next
 * connection on without restarting the agent.
 */
public final class DeviceTls {

  private static final String ALIAS = "device";

  private DeviceTls() {}

  /**
   * @param certificate PEM of the device certificate, or null to present none
   * @param key PEM (PKCS#8, "BEGIN PRIVATE KEY") of its key; needed with a certificate
   */
  public static SSLSocketFactory sockets(Path ca, Path certificate, Path key) {
    if ((certificate == null) != (key == null)) {
      throw new IllegalArgumentException(MqttOptions.TLS_CERTIFICATE.name() + " and " + MqttOptions.TLS_KEY.name()
          + " go together: set both, or neither to present no client certificate");
    }
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (X509Certificate c : PemFiles.certificates(ca)) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new IllegalArgumentException(MqttOptions.TLS_CA.name() + " " + ca + " holds no PEM certificate");
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      KeyManager[] keys = certificate == null ? null : new KeyManager[] {new ReloadingKeyManager(certificate, key)};
      ctx.init(keys, tmf.getTrustManagers(), null);
      return ctx.getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(MqttOptions.TLS_CA.name() + " " + ca + " is unusable: " + e.getMessage(), e);
    }
  }

  /** Presents the certificate and key in two files, read again whenever either file changed. */
  private static final class ReloadingKeyManager extends X509ExtendedKeyManager {
    private final Path certificateFile;
    private final Path keyFile;
    private FileTime loadedCertificate;
    private FileTime loadedKey;
    private X509Certificate[] chain;
    private PrivateKey key;

    ReloadingKeyManager(Path certificateFile, Path keyFile) throws IOException, GeneralSecurityException {
      this.certificateFile = certificateFile;
      this.keyFile = keyFile;
      reload();
    }

    private synchronized void reload() throws IOException, GeneralSecurityException {
      FileTime c = Files.getLastModifiedTime(certificateFile);
      FileTime k = Files.getLastModifiedTime(keyFile);
      if (c.equals(loadedCertificate) && k.equals(loadedKey)) {
        return;
      }
      X509Certificate[] newChain = PemFiles.certificates(certificateFile).toArray(new X509Certificate[0]);
      if (newChain.length == 0) {
        throw new GeneralSecurityException(certificateFile + " holds no PEM certificate");
      }
      PrivateKey newKey = PemFiles.privateKey(keyFile);
      chain = newChain;
      key = newKey;
      loadedCertificate = c;
      loadedKey = k;
    }

    // A file being replaced (renewal writes a temp file and renames it) keeps the last good pair.
    private synchronized void refresh() {
      try {
        reload();
      } catch (IOException | GeneralSecurityException | RuntimeException keepLast) {
        // The next handshake tries again.
      }
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      refresh();
      return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      refresh();
      return ALIAS;
    }

    @Override
    public synchronized X509Certificate[] getCertificateChain(String alias) {
      return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public synchronized PrivateKey getPrivateKey(String alias) {
      return ALIAS.equals(alias) ? key : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
