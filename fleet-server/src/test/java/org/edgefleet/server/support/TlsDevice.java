package org.edgefleet.server.support;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.edgefleet.server.identity.Pem;

/** A device's key pair, its certificate requests and, once enrolled, an MQTT client over TLS with its certificate. */
public final class TlsDevice {

  private final String id;
  private final KeyPair key;
  private X509Certificate certificate;
  private X509Certificate ca;

  public TlsDevice(String id) {
    this(id, newKey());
  }

  public TlsDevice(String id, KeyPair key) {
    this.id = id;
    this.key = key;
  }

  public static KeyPair newKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public String id() {
    return id;
  }

  public KeyPair key() {
    return key;
  }

  /** A PKCS#10 request, PEM, with subject {@code subject} (e.g. "CN=dev-1"), signed by this device's key. */
  public String csr(String subject) {
    try {
      return Pem.of(new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), key.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public String csr() {
    return csr("CN=" + id);
  }

  /** Keeps the certificate and CA of an enrollment answer (the JSON fields certificate and caCertificate). */
  public void enrolled(String certificatePem, String caPem) throws IOException {
    this.certificate = Pem.certificate(certificatePem);
    this.ca = Pem.certificate(caPem);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public X509Certificate ca() {
    return ca;
  }

  /** Sockets presenting this device's certificate (or none when null) and trusting {@code trusted}. */
  public SSLSocketFactory sockets(X509Certificate clientCert, X509Certificate trusted) {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      if (clientCert != null) {
        keys.setKeyEntry("device", key.getPrivate(), new char[0], new Certificate[] {clientCert});
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", trusted);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx.getSocketFactory();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Connects with client id and user name {@code clientId}, presenting this device's certificate. */
  public MqttClient connect(String url, String clientId) throws MqttException {
    return connect(url, clientId, sockets(certificate, ca));
  }

  public static MqttClient connect(String url, String clientId, SSLSocketFactory sockets) throws MqttException {
    MqttClient c = new MqttClient(url, clientId, new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setCleanSession(true);
    o.setConnectionTimeout(20);
    o.setUserName(clientId);
    o.setPassword(new char[0]);
    o.setSocketFactory(sockets);
    c.setTimeToWait(20_000);
    try {
      c.connect(o);
    } catch (MqttException e) {
      c.close(true);
      throw e;
    }
    return c;
  }
}
