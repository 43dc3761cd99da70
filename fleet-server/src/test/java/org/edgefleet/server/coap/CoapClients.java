package org.edgefleet.server.coap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.Consumer;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.elements.exception.ConnectorException;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;

/**
 * A device in tests, as Californium: one endpoint with transparent Block1 for uplink messages, one
 * without blockwise handling for asking bundle blocks by number; DTLS with a PSK or a certificate when given.
 */
final class CoapClients implements AutoCloseable {

  private final String url;
  private final CoapEndpoint uplink;
  private final CoapEndpoint blocks;

  CoapClients(String url, String pskIdentity, byte[] pskKey) {
    this(url, pskIdentity == null ? null : dtls -> dtls.setAdvancedPskStore(new AdvancedSinglePskStore(pskIdentity, pskKey)));
  }

  /** A device presenting {@code certificate} (signed for {@code key}) over DTLS, trusting {@code ca} for the server's. */
  static CoapClients withCertificate(String url, PrivateKey key, X509Certificate certificate, X509Certificate ca) {
    return new CoapClients(url, dtls -> dtls
        .setCertificateIdentityProvider(new SingleCertificateProvider(key, new X509Certificate[] {certificate}, CertificateType.X_509))
        .setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder().setTrustedCertificates(ca).build()));
  }

  private CoapClients(String url, Consumer<DtlsConnectorConfig.Builder> credentials) {
    this.url = url;
    this.uplink = endpoint(512 * 1024, credentials);
    this.blocks = endpoint(0, credentials);
  }

  private static final long ANSWER_WAIT = 30_000L;

  private static CoapEndpoint endpoint(int maxBody, Consumer<DtlsConnectorConfig.Builder> credentials) {
    CoapConfig.register();
    UdpConfig.register();
    DtlsConfig.register();
    Configuration c = Configuration.createStandardWithoutFile();
    c.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, maxBody);
    c.set(CoapConfig.PREFERRED_BLOCK_SIZE, 1024);
    c.set(CoapConfig.MAX_MESSAGE_SIZE, 1024);
    c.set(CoapConfig.ACK_TIMEOUT, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
    CoapEndpoint.Builder b = new CoapEndpoint.Builder().setConfiguration(c);
    if (credentials != null) {
      DtlsConnectorConfig.Builder dtls = DtlsConnectorConfig.builder(c).set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
          .setAddress(new InetSocketAddress(0));
      credentials.accept(dtls);
      b.setConnector(new DTLSConnector(dtls.build()));
    }
    return b.build();
  }

  CoapClient client(String path) {
    return client(path, ANSWER_WAIT);
  }

  private CoapClient client(String path, long waitMillis) {
    CoapClient c = new CoapClient(url + path);
    c.setEndpoint(uplink);
    c.setTimeout(waitMillis);
    return c;
  }

  CoapResponse post(String path, byte[] payload) throws IOException {
    return post(path, payload, ANSWER_WAIT);
  }

  /** A POST that waits at most {@code waitMillis} for the answer: for tests that expect none. */
  CoapResponse post(String path, byte[] payload, long waitMillis) throws IOException {
    try {
      CoapResponse r = client(path, waitMillis).post(payload, MediaTypeRegistry.APPLICATION_JSON);
      if (r == null) {
        throw new IOException("no answer to POST " + path);
      }
      return r;
    } catch (ConnectorException e) {
      throw new IOException(e);
    }
  }

  CoapResponse block(String digest, int size, int num) throws IOException {
    CoapClient c = new CoapClient(url + "/b/" + digest);
    c.setEndpoint(blocks);
    c.setTimeout(30_000L);
    Request get = Request.newGet();
    get.getOptions().setBlock2(org.eclipse.californium.core.coap.BlockOption.size2Szx(size), false, num);
    try {
      CoapResponse r = c.advanced(get);
      if (r == null) {
        throw new IOException("no answer to block " + num);
      }
      return r;
    } catch (ConnectorException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }

  @Override
  public void close() {
    uplink.destroy();
    blocks.destroy();
  }
}
