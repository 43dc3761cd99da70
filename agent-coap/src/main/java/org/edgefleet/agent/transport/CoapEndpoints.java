package org.edgefleet.agent.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;

/**
 * The agent's two Californium endpoints. Uplink messages use transparent Block1 (a telemetry batch
 * may exceed one datagram); bundle blocks use an endpoint without transparent blockwise handling,
 * since the agent asks for each block by number itself and Californium would otherwise fetch a
 * whole body at block 0. Both take the configuration without a properties file
 * ({@link Configuration#createStandardWithoutFile()}): the standard one writes a file into the
 * working directory.
 */
public final class CoapEndpoints {

  private static final int BLOCK_BYTES = 1024;
  // Largest uplink message (a telemetry batch), also what the server reassembles at most.
  private static final int MAX_BODY_BYTES = 256 * 1024;

  private CoapEndpoints() {}

  /** @param dtls the device's DTLS credentials, or null for plain UDP */
  public static CoapEndpoint uplink(Duration ackTimeout, CoapCredentials dtls) {
    Configuration c = base(ackTimeout);
    c.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, MAX_BODY_BYTES);
    return build(c, dtls);
  }

  /** @param dtls the device's DTLS credentials, or null for plain UDP */
  public static CoapEndpoint blocks(Duration ackTimeout, CoapCredentials dtls) {
    Configuration c = base(ackTimeout);
    c.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, 0); // no transparent blockwise: BlockFetcher asks block by block
    return build(c, dtls);
  }

  private static Configuration base(Duration ackTimeout) {
    CoapConfig.register();
    UdpConfig.register();
    DtlsConfig.register();
    Configuration c = Configuration.createStandardWithoutFile();
    c.set(CoapConfig.ACK_TIMEOUT, (int) ackTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    c.set(CoapConfig.PREFERRED_BLOCK_SIZE, BLOCK_BYTES);
    c.set(CoapConfig.MAX_MESSAGE_SIZE, BLOCK_BYTES);
    return c;
  }

  private static CoapEndpoint build(Configuration c, CoapCredentials credentials) {
    CoapEndpoint.Builder b = new CoapEndpoint.Builder().setConfiguration(c);
    if (credentials == null) {
      return b.build();
    }
    DtlsConnectorConfig.Builder dtls = DtlsConnectorConfig.builder(c)
        .set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY)
        .setAddress(new InetSocketAddress(0));
    credentials.apply(dtls);
    return b.setConnector(new DTLSConnector(dtls.build())).build();
  }
}
