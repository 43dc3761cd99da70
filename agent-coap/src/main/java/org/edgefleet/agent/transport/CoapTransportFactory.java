package org.edgefleet.agent.transport;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.edgefleet.agent.AgentConfig;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * The agent's CoAP transport: {@code EdgeAgent.builder().transport(new CoapTransportFactory())}.
 * The device id names its resources and, over DTLS, is its PSK identity. Reads {@link CoapOptions}.
 */
public final class CoapTransportFactory implements TransportFactory {

  @Override
  public Transport create(AgentConfig config, ScheduledExecutorService scheduler) {
    String url = config.get(CoapOptions.SERVER_URL);
    String hex = config.get(CoapOptions.PSK_KEY);
    if (url == null || !(url.startsWith("coap://") || url.startsWith("coaps://"))) {
      throw new IllegalArgumentException(CoapOptions.SERVER_URL.name() + " must be coap://host:port or coaps://host:port, was " + url);
    }
    boolean dtls = url.startsWith("coaps://");
    if (dtls != (hex != null)) {
      throw new IllegalArgumentException(dtls ? CoapOptions.SERVER_URL.name() + " coaps:// needs " + CoapOptions.PSK_KEY.name()
          : CoapOptions.PSK_KEY.name() + " needs a coaps:// " + CoapOptions.SERVER_URL.name() + ", was " + url);
    }
    if (hex != null && !hex.matches("([0-9a-fA-F]{2}){16,64}")) {
      throw new IllegalArgumentException(CoapOptions.PSK_KEY.name() + " must be 16 to 64 bytes in hex");
    }
    int block = config.get(CoapOptions.BLOCK_SIZE);
    if (block < 16 || block > 1024 || Integer.bitCount(block) != 1) {
      throw new IllegalArgumentException(CoapOptions.BLOCK_SIZE.name() + " must be 16, 32, 64, 128, 256, 512 or 1024, was " + block);
    }
    Duration refresh = atLeast(config, CoapOptions.OBSERVE_REFRESH, Duration.ofMillis(100));
    Duration ack = atLeast(config, CoapOptions.ACK_TIMEOUT, Duration.ofMillis(50));
    return new CoapTransport(new CoapTransport.Settings(url, config.deviceId(), new Topics(config.topicPrefix()), refresh, ack, block,
        hex == null ? null : unhex(hex), config.backoff()), scheduler);
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
