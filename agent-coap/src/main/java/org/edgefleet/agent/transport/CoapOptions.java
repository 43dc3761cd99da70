package org.edgefleet.agent.transport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.edgefleet.protocol.config.Setting;

/**
 * The CoAP transport's settings, set on the agent builder like the core's
 * ({@code builder.set(CoapOptions.SERVER_URL, "coap://fleet:5683")}). Listed in docs/coap.md.
 */
public final class CoapOptions {

  public static final Setting<String> SERVER_URL = Setting.of("coapServerUrl", String.class, "coap://127.0.0.1:5683",
      "The fleet server's CoAP endpoint, coap://host:port, or coaps://host:port for DTLS (needs coapPskKey, or coapDtlsCa, coapDtlsCertificate and coapDtlsKey).");
  public static final Setting<String> PSK_KEY = Setting.of("coapPskKey", String.class, null,
      "The device's DTLS pre-shared key in hex (16 to 64 bytes; the identity is the device id), as in the server's coap-psk-file.");
  public static final Setting<Path> DTLS_CA = Setting.of("coapDtlsCa", Path.class, null,
      "PEM file of the CA the server's DTLS certificate must chain to: the fleet CA (the enrolled device's identity/ca.pem).");
  public static final Setting<Path> DTLS_CERTIFICATE = Setting.of("coapDtlsCertificate", Path.class, null,
      "PEM file of the device certificate from the fleet CA presented over DTLS (identity/device.pem); read at the agent's start.");
  public static final Setting<Path> DTLS_KEY = Setting.of("coapDtlsKey", Path.class, null,
      "PEM file (PKCS#8) of the device certificate's private key (identity/device-key.pem).");
  public static final Setting<Duration> OBSERVE_REFRESH = Setting.of("coapObserveRefresh", Duration.class, Duration.ofSeconds(30),
      "How often the agent registers its desired-state observation again; a registration that goes unanswered counts as a lost connection. At most the server's coap-observe-max-age.");
  public static final Setting<Duration> ACK_TIMEOUT = Setting.of("coapAckTimeout", Duration.class, Duration.ofSeconds(2),
      "CoAP ACK_TIMEOUT: first wait for the acknowledgement of a confirmable message before it is sent again (up to 4 times, each wait doubled).");
  public static final Setting<Integer> BLOCK_SIZE = Setting.of("coapBlockSize", Integer.class, 1024,
      "Bytes per Block2 block of a bundle: 16, 32, 64, 128, 256, 512 or 1024.");

  public static final List<Setting<?>> ALL = List.of(SERVER_URL, PSK_KEY, DTLS_CA, DTLS_CERTIFICATE, DTLS_KEY, OBSERVE_REFRESH, ACK_TIMEOUT, BLOCK_SIZE);

  private CoapOptions() {}
}
