package org.edgefleet.bench.coap;

import java.net.InetSocketAddress;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;

/**
 * The baseline: plain Californium serving the same bytes from memory as one resource, with its own
 * transparent Block2 (1024-byte blocks), and nothing of the fleet (no registry, no hash checks).
 */
final class RawBlockServer implements AutoCloseable {

  private final CoapServer server;
  private final CoapEndpoint endpoint;

  private RawBlockServer(CoapServer server, CoapEndpoint endpoint) {
    this.server = server;
    this.endpoint = endpoint;
  }

  static RawBlockServer start(byte[] body) {
    CoapConfig.register();
    UdpConfig.register();
    Configuration c = Configuration.createStandardWithoutFile();
    c.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, body.length + 1);
    c.set(CoapConfig.PREFERRED_BLOCK_SIZE, 1024);
    c.set(CoapConfig.MAX_MESSAGE_SIZE, 1024);
    CoapServer server = new CoapServer(c);
    server.add(new CoapResource("raw") {
      @Override
      public void handleGET(CoapExchange exchange) {
        exchange.respond(ResponseCode.CONTENT, body, MediaTypeRegistry.APPLICATION_OCTET_STREAM);
      }
    });
    CoapEndpoint endpoint = new CoapEndpoint.Builder().setConfiguration(c)
        .setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0)).build();
    server.addEndpoint(endpoint);
    server.start();
    return new RawBlockServer(server, endpoint);
  }

  int port() {
    return endpoint.getAddress().getPort();
  }

  @Override
  public void close() {
    server.destroy();
  }
}
