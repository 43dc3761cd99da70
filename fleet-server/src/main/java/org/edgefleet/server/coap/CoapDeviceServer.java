package org.edgefleet.server.coap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.eclipse.californium.core.coap.EmptyMessage;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.interceptors.MessageInterceptorAdapter;
import org.eclipse.californium.elements.config.CertificateAuthenticationMode;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.message.SampleMessage;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.server.channel.DesiredChannel;
import org.edgefleet.server.identity.IdentityService;
import org.edgefleet.server.identity.ServerCertificate;
import org.edgefleet.server.ingest.DeviceMessages;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.transfer.ChunkSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's CoAP side (Eclipse Californium): one UDP endpoint, or a DTLS endpoint (Scandium)
 * that admits only the devices of the PSK file, each as its own id, and, with certificates, the
 * devices holding a fleet-CA certificate they enrolled for ({@link DeviceAccess}). Serves the device
 * resources ({@link DeviceTree}) and the bundles ({@link BundleResource}); see docs/coap.md.
 *
 * <p>Blockwise: Block1 of uplink messages is reassembled by Californium up to the largest message
 * kind; Block2 of bundles is served by {@link BundleResource} itself (random access, no transfer
 * state), which works because its responses never exceed the preferred block size of 1024 bytes.
 */
public final class CoapDeviceServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CoapDeviceServer.class);
  private static final int BLOCK_BYTES = 1024;

  /**
   * @param pskFile device keys for DTLS-PSK (see {@link PskFile}), or null for plain UDP
   * @param observeMaxAge how long a desired state notification stays fresh: devices register their
   *     observation again by then, which is how it comes back after a server restart
   */
  public record Options(String host, int port, Path pskFile, Duration observeMaxAge, int maxDevices, int maxReportedBytes) {}

  /**
   * DTLS with device certificates: the endpoint presents the server's certificate and requires a
   * client certificate from the fleet CA of an admitted device ({@link FleetCertificateVerifier}).
   */
  public record Certificates(ServerCertificate server, IdentityService identity) {}

  private final CoapServer server;
  private final CoapEndpoint endpoint;
  private final DesiredResource desired;
  private final ChunkSource blocks;
  private final CoapRefusals refusals;

  private CoapDeviceServer(CoapServer server, CoapEndpoint endpoint, DesiredResource desired, ChunkSource blocks,
      CoapRefusals refusals) {
    this.server = server;
    this.endpoint = endpoint;
    this.desired = desired;
    this.blocks = blocks;
    this.refusals = refusals;
  }

  /**
   * @param certificates DTLS with device certificates, or null for none (PSK only, or plain UDP)
   * @param sign signs and sends a device's current desired state (DesiredStateService::publish)
   * @throws IOException when the port is taken or the PSK file is unusable
   */
  public static CoapDeviceServer start(Options options, Certificates certificates, DeviceMessages inbox,
      Function<String, CompletableFuture<Void>> sign, RegistryService registry, ExecutorService io, ServerMetrics metrics)
      throws IOException {
    Configuration config = configuration();
    CoapRefusals refusals = new CoapRefusals(metrics);
    DeviceAccess access = new DeviceAccess(refusals, certificates == null ? null : certificates.identity());
    DesiredResource desired = new DesiredResource(sign, refusals, access, options.maxDevices(), options.observeMaxAge().toSeconds());
    ChunkSource blocks = new ChunkSource(registry);
    registry.onBlobRemoved(blocks::evict);
    CoapServer server = new CoapServer(config);
    server.add(new DeviceTree(desired,
        new UplinkResource(TopicKind.REPORTED, inbox, refusals, access, options.maxReportedBytes()),
        new UplinkResource(TopicKind.EVENTS, inbox, refusals, access, DeviceEvent.MAX_BYTES),
        new UplinkResource(TopicKind.TELEMETRY, inbox, refusals, access, TelemetryBatch.MAX_BYTES),
        new UplinkResource(TopicKind.SAMPLES, inbox, refusals, access, SampleMessage.MAX_BYTES),
        new UplinkResource(TopicKind.STATUS, inbox, refusals, access, DeviceStatus.MAX_BYTES)));
    server.add(new BundleResource(registry, blocks, refusals, io));
    CoapEndpoint endpoint = endpoint(options, certificates, refusals, config);
    endpoint.addInterceptor(new MalformedCounter(refusals));
    server.addEndpoint(endpoint);
    try {
      server.start();
    } catch (IllegalStateException e) {
      server.destroy();
      throw new IOException("cannot listen for CoAP on " + options.host() + ":" + options.port() + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    }
    CoapDeviceServer s = new CoapDeviceServer(server, endpoint, desired, blocks, refusals);
    LOG.info("event=coap_started address={} dtls_psk={} dtls_certificates={}", s.url(), options.pskFile() != null,
        certificates != null);
    return s;
  }

  private static Configuration configuration() {
    CoapConfig.register();
    UdpConfig.register();
    DtlsConfig.register();
    Configuration config = Configuration.createStandardWithoutFile();
    // Uplink Block1 is reassembled up to the largest message kind; Block2 of bundles is BundleResource's own.
    config.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, TelemetryBatch.MAX_BYTES);
    config.set(CoapConfig.PREFERRED_BLOCK_SIZE, BLOCK_BYTES);
    config.set(CoapConfig.MAX_MESSAGE_SIZE, BLOCK_BYTES);
    return config;
  }

  // DTLS when there are PSKs or certificates (or both: a device uses either); plain UDP otherwise.
  private static CoapEndpoint endpoint(Options options, Certificates certificates, CoapRefusals refusals, Configuration config)
      throws IOException {
    InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
    CoapEndpoint.Builder b = new CoapEndpoint.Builder().setConfiguration(config);
    if (options.pskFile() == null && certificates == null) {
      return b.setInetSocketAddress(address).build();
    }
    DtlsConnectorConfig.Builder dtls = DtlsConnectorConfig.builder(config)
        .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY)
        .setAddress(address);
    if (options.pskFile() != null) {
      Map<String, byte[]> keys = PskFile.read(options.pskFile());
      AdvancedMultiPskStore store = new AdvancedMultiPskStore();
      keys.forEach(store::setKey);
      dtls.setAdvancedPskStore(store);
    }
    if (certificates != null) {
      X509Certificate[] chain = {certificates.server().certificate(), certificates.identity().ca().certificate()};
      dtls.set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, CertificateAuthenticationMode.NEEDED)
          .setCertificateIdentityProvider(new SingleCertificateProvider(certificates.server().key(), chain, CertificateType.X_509))
          .setAdvancedCertificateVerifier(new FleetCertificateVerifier(certificates.identity(), refusals));
    }
    return b.setConnector(new DTLSConnector(dtls.build())).build();
  }

  /** The DesiredChannel of CoAP devices. */
  public DesiredChannel desiredChannel() {
    return desired;
  }

  /** Whether the device has asked for its desired state over CoAP since start (DesiredRouting). */
  public boolean talksCoap(String deviceId) {
    return desired.talksCoap(deviceId);
  }

  public int port() {
    return endpoint.getAddress().getPort();
  }

  /** {@code coap://host:port} or {@code coaps://...}, as devices on this machine reach it. */
  public String url() {
    InetSocketAddress a = endpoint.getAddress();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
    return endpoint.getUri().getScheme() + "://" + host + ":" + a.getPort();
  }

  /** Requests refused for the reason so far; for tests and the status of the CoAP side. */
  public long refused(String reason) {
    return refusals.count(CoapRefusal.valueOf(reason.toUpperCase(java.util.Locale.ROOT)));
  }

  @Override
  public void close() {
    server.destroy();
    blocks.close();
  }

  // What Californium refuses before any resource sees it: a reset for a datagram it cannot parse,
  // 4.02 for a request with an unknown critical option, 4.13 (with Size1) for a Block1 body over the limit.
  private static final class MalformedCounter extends MessageInterceptorAdapter {
    private final CoapRefusals refusals;

    MalformedCounter(CoapRefusals refusals) {
      this.refusals = refusals;
    }

    @Override
    public void sendEmptyMessage(EmptyMessage message) {
      if (message.getType() == Type.RST) {
        refusals.count(CoapRefusal.MALFORMED, String.valueOf(message.getDestinationContext().getPeerAddress()), "reset sent");
      }
    }

    @Override
    public void sendResponse(Response response) {
      if (response.getCode() == ResponseCode.BAD_OPTION) {
        refusals.count(CoapRefusal.MALFORMED, String.valueOf(response.getDestinationContext().getPeerAddress()), "bad option");
      } else if (response.getCode() == ResponseCode.REQUEST_ENTITY_TOO_LARGE && response.getOptions().hasSize1()) {
        refusals.count(CoapRefusal.TOO_LARGE, String.valueOf(response.getDestinationContext().getPeerAddress()), "block1 body over the limit");
      }
    }
  }
}
