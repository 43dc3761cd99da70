package org.edgefleet.agent.android.conditions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.BlockOption;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.transport.CoapOptions;
import org.edgefleet.agent.transport.CoapTransportFactory;
import org.edgefleet.agent.transport.TransportListener;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.transfer.ChunkMessage;
import org.edgefleet.protocol.transfer.ChunkPlan;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The gate around a transport that fetches chunks its own way (CoAP, against a Californium server
 * on loopback serving the bundle's blocks): the gate hands chunk requests to the current transport's
 * fetcher, not as a chunk request message the CoAP transport has no resource for.
 */
public class GatedTransportTest {

  static final String DEVICE = "phone-coap";
  static final int CHUNK = 4096;

  Path dir;
  CoapServer server;
  String url;
  byte[] bundle;
  BundleRef ref;
  EdgeAgent agent;

  @Before
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("gated");
    bundle = new byte[3 * CHUNK + 100];
    new Random(7).nextBytes(bundle);
    Path file = Files.write(dir.resolve("bundle.bin"), bundle);
    ref = ChunkPlan.of(file, CHUNK);
    CoapConfig.register();
    UdpConfig.register();
    Configuration c = Configuration.createStandardWithoutFile();
    server = new CoapServer(c);
    CoapResource device = new CoapResource("d");
    CoapResource self = new CoapResource(DEVICE);
    self.add(new CoapResource("desired") {
      @Override
      public void handleGET(CoapExchange exchange) {
        exchange.respond(ResponseCode.CONTENT, new byte[0]); // no desired state yet: the transport counts as connected
      }
    });
    device.add(self);
    server.add(device);
    server.add(new CoapResource("b") {
      @Override
      public Resource getChild(String name) {
        return name.equals(ref.digest()) ? blocks : null;
      }

      final CoapResource blocks = new CoapResource("bundle") {
        @Override
        public void handleGET(CoapExchange exchange) {
          BlockOption b2 = exchange.getRequestOptions().getBlock2();
          int size = BlockOption.szx2Size(b2.getSzx());
          int from = b2.getNum() * size;
          int length = Math.min(size, bundle.length - from);
          Response r = new Response(ResponseCode.CONTENT);
          byte[] data = new byte[length];
          System.arraycopy(bundle, from, data, 0, length);
          r.setPayload(data);
          r.getOptions().setBlock2(b2.getSzx(), from + length < bundle.length, b2.getNum());
          exchange.respond(r);
        }
      };
    });
    CoapEndpoint ep = new CoapEndpoint.Builder().setConfiguration(c).setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0)).build();
    server.addEndpoint(ep);
    server.start();
    url = "coap://127.0.0.1:" + ep.getAddress().getPort();
  }

  @After
  public void tearDown() {
    if (agent != null) {
      agent.close();
    }
    server.destroy();
  }

  @Test
  public void chunksAreFetchedByTheWrappedTransportsOwnFetcherWhileTheGateIsOpen() throws Exception {
    AtomicReference<GatedTransport> gated = new AtomicReference<>();
    Topics topics = new Topics("fleet");
    // The agent (built, not started) makes the gate around a real CoAP transport; the test drives the gate.
    agent = TestAgents.builder(DEVICE, dir.resolve("agent"), "tcp://127.0.0.1:1").set(CoapOptions.SERVER_URL, url)
        .set(CoapOptions.ACK_TIMEOUT, Duration.ofMillis(200))
        .transport((config, scheduler) -> {
          GatedTransport t = new GatedTransport(() -> new CoapTransportFactory().create(config, scheduler), scheduler,
              topics.topic(DEVICE, TopicKind.STATUS), new byte[0]);
          gated.set(t);
          return t;
        }).build();
    GatedTransport t = gated.get();
    String chunkTopic = topics.topic(DEVICE, TopicKind.BUNDLE_CHUNK);
    LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    t.subscribe(topics.topic(DEVICE, TopicKind.DESIRED));
    t.subscribe(chunkTopic);
    t.start(new TransportListener() {
      @Override
      public void onConnected() {}

      @Override
      public void onConnectionLost(Throwable cause) {}

      @Override
      public void onMessage(String topic, byte[] payload) {
        if (topic.equals(chunkTopic)) {
          frames.add(payload);
        }
      }
    });
    String requestTopic = topics.topic(DEVICE, TopicKind.BUNDLE_REQUEST);
    assertThatThrownBy(() -> t.chunkFetcher(requestTopic).request(ref, List.of(0)).get(5, TimeUnit.SECONDS))
        .hasMessageContaining("not connected: not started");

    t.setOpen(true, "");
    await().atMost(Duration.ofSeconds(30)).until(t::isConnected);
    t.chunkFetcher(requestTopic).request(ref, List.of(1, 3)).get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 2; i++) {
      byte[] frame = frames.poll(30, TimeUnit.SECONDS);
      assertThat(frame).as("a chunk frame").isNotNull();
      ChunkMessage chunk = ChunkMessage.decode(frame, CHUNK);
      assertThat(chunk.index()).isIn(1, 3);
      int from = chunk.index() * CHUNK;
      assertThat(chunk.data()).isEqualTo(java.util.Arrays.copyOfRange(bundle, from, from + ref.chunkLength(chunk.index())));
    }

    t.setOpen(false, "metered network");
    await().atMost(Duration.ofSeconds(30)).until(() -> !t.isConnected());
    assertThatThrownBy(() -> t.chunkFetcher(requestTopic).request(ref, List.of(0)).get(5, TimeUnit.SECONDS))
        .hasMessageContaining("not connected: metered network");
  }
}
