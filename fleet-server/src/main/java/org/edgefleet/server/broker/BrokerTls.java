package org.edgefleet.server.broker;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the embedded broker: its certificate and key (issued by the fleet CA), the fleet CA that
 * every client certificate must chain to (checked with the JDK's PKIX validator, dates included),
 * and who of the CA's devices may log in. The same key and certificate are the server's own
 * client certificate, so the server's MQTT client connects over TLS too.
 */
public final class BrokerTls {

  /** Whether a device presenting a certificate for {@code key} may log in as {@code deviceId} now. */
  @FunctionalInterface
  public interface Admission {
    boolean admits(String deviceId, PublicKey key);
  }

  private static final char[] IN_MEMORY = "in-memory".toCharArray();

  private final SSLContext context;
  private final Admission admission;

  public BrokerTls(PrivateKey key, X509Certificate certificate, X509Certificate ca, Admission admission) {
    Objects.requireNonNull(admission, "admission must not be null");
    this.admission = admission;
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("broker", key, IN_MEMORY, new Certificate[] {certificate, ca});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, IN_MEMORY);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("fleet-ca", ca);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trust);
      context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot set up the broker's TLS: " + e.getMessage(), e);
    }
  }

  Admission admission() {
    return admission;
  }

  /** Sockets for the server's own MQTT client: its certificate, trusting only the fleet CA. */
  public SSLSocketFactory clientSockets() {
    return context.getSocketFactory();
  }

  /** Moquette's TLS listener context: client certificates required, each engine a {@link PeerBoundEngine}. */
  SslContext nettyContext() {
    return new PeerBoundContext(new JdkSslContext(context, false, ClientAuth.REQUIRE));
  }

  private static final class PeerBoundContext extends SslContext {
    private final SslContext jdk;

    PeerBoundContext(SslContext jdk) {
      this.jdk = jdk;
    }

    @Override
    public boolean isClient() {
      return false;
    }

    @Override
    public List<String> cipherSuites() {
      return jdk.cipherSuites();
    }

    @Override
    @SuppressWarnings("deprecation")
    public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
      return jdk.applicationProtocolNegotiator();
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc) {
      return bound(jdk.newEngine(alloc));
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
      return bound(jdk.newEngine(alloc, peerHost, peerPort));
    }

    private static SSLEngine bound(SSLEngine engine) {
      engine.setNeedClientAuth(true);
      return new PeerBoundEngine(engine);
    }

    @Override
    public SSLSessionContext sessionContext() {
      return jdk.sessionContext();
    }
  }
}
