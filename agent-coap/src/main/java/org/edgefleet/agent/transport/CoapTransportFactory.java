package org.edgefleet.agent.transport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.edgefleet.agent.AgentConfig;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * The agent's CoAP transport: {@code EdgeAgent.builder().transport(new CoapTransportFactory())}.
 * The device id names its resources and, over DTLS-PSK, is its PSK identity; with a certificate, the
 * certificate's CN must be it. Reads {@link CoapOptions}.
 */
public final class CoapTransportFactory implements TransportFactory {

  @Override
  public Transport create(AgentConfig config, ScheduledExecutorService scheduler) {
    String url = config.get(CoapOptions.SERVER_URL);
    String hex = config.get(CoapOptions.PSK_KEY);
    if (url == null || !(url.startsWith("coap://") || url.startsWith("coaps://"))) {
      throw new IllegalArgumentException(CoapOptions.SERVER_URL.name() + " must be coap://host:port or coaps://host:port, was " + url);
    }
    CoapCredentials dtls = credentials(config, hex);
    if (url.startsWith("coaps://") != (dtls != null)) {
      throw new IllegalArgumentException(dtls == null
          ? CoapOptions.SERVER_URL.name() + " coaps:// needs " + CoapOptions.PSK_KEY.name() + " or a certificate ("
              + CoapOptions.DTLS_CERTIFICATE.name() + ")"
          : "DTLS credentials need a coaps:// " + CoapOptions.SERVER_URL.name() + ", was " + url);
    }
    int block = config.get(CoapOptions.BLOCK_SIZE);
    if (block < 16 || block > 1024 || Integer.bitCount(block) != 1) {
      throw new IllegalArgumentException(CoapOptions.BLOCK_SIZE.name() + " must be 16, 32, 64, 128, 256, 512 or 1024, was " + block);
    }
    Duration refresh = atLeast(config, CoapOptions.OBSERVE_REFRESH, Duration.ofMillis(100));
    Duration ack = atLeast(config, CoapOptions.ACK_TIMEOUT, Duration.ofMillis(50));
    return new CoapTransport(new CoapTransport.Settings(url, config.deviceId(), new Topics(config.topicPrefix()), refresh, ack, block,
        dtls, config.backoff()), scheduler);
  }

  // A PSK, or the certificate, key and CA files (all three); null for plain UDP.
  private static CoapCredentials credentials(AgentConfig config, String hex) {
    Path ca = config.get(CoapOptions.DTLS_CA);
    Path certificate = config.get(CoapOptions.DTLS_CERTIFICATE);
    Path key = config.get(CoapOptions.DTLS_KEY);
    boolean anyFile = ca != null || certificate != null || key != null;
    if (hex != null && anyFile) {
      throw new IllegalArgumentException(CoapOptions.PSK_KEY.name() + " or a certificate (" + CoapOptions.DTLS_CERTIFICATE.name()
          + "), not both");
    }
    if (hex != null) {
      if (!hex.matches("([0-9a-fA-F]{2}){16,64}")) {
        throw new IllegalArgumentException(CoapOptions.PSK_KEY.name() + " must be 16 to 64 bytes in hex");
      }
      return CoapCredentials.psk(config.deviceId(), unhex(hex));
    }
    if (!anyFile) {
      return null;
    }
    if (ca == null || certificate == null || key == null) {
      throw new IllegalArgumentException(CoapOptions.DTLS_CA.name() + ", " + CoapOptions.DTLS_CERTIFICATE.name() + " and "
          + CoapOptions.DTLS_KEY.name() + " go together");
    }
    return CoapCredentials.certificate(ca, certificate, key);
  }

  private static Duration atLeast(AgentConfig config, org.edgefleet.protocol.config.Setting<Duration> s, Duration min) {
    Duration d = config.get(s);
    if (d == null || d.compareTo(min) < 0) {
      throw new IllegalArgumentException(s.name() + " must be at least " + min.toMillis() + "ms, was " + d);
    }
    return d;
  }

  private static byte[] unhex(String hex) {
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
