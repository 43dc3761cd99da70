package org.edgefleet.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.BlockOption;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.transfer.ChunkMessage;
import org.edgefleet.protocol.transfer.ChunkPlan;
import org.edgefleet.protocol.trust.Sha256;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's block fetch against a real Californium server on loopback whose bundle resource can
 * misbehave: refuse a block once, answer with another block number or a short block.
 */
class BlockFetcherTest {

  @TempDir Path dir;
  byte[] bundle;
  BundleRef ref;
  CoapServer server;
  CoapEndpoint endpoint;
  String url;
  final Map<Integer, AtomicInteger> asked = new ConcurrentHashMap<>();
  // What the server answers for a block number; null: the right block.
  volatile IntFunction<Response> misbehave = num -> null;
  final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    bundle = new byte[10_000];
    new Random(7).nextBytes(bundle);
    Path file = Files.write(dir.resolve("bundle.bin"), bundle);
    ref = ChunkPlan.of(file, 1500); // chunks that do not align with 1024-byte blocks
    CoapConfig.register();
    UdpConfig.register();
    Configuration c = Configuration.createStandardWithoutFile();
    c.set(CoapConfig.PREFERRED_BLOCK_SIZE, 1024);
    server = new CoapServer(c);
    CoapResource b = new CoapResource("b");
    b.add(new CoapResource(ref.digest()) {
      @Override
      public void handleGET(CoapExchange exchange) {
        BlockOption b2 = exchange.getRequestOptions().getBlock2();
        int num = b2.getNum();
        asked.computeIfAbsent(num, k -> new AtomicInteger()).incrementAndGet();
        Response odd = misbehave.apply(num);
        if (odd != null) {
          exchange.respond(odd);
          return;
        }
        exchange.respond(block(num, b2.getSzx(), false));
      }
    });
    server.add(b);
    CoapEndpoint ep = new CoapEndpoint.Builder().setConfiguration(c).setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0)).build();
    server.addEndpoint(ep);
    server.start();
    url = "coap://127.0.0.1:" + ep.getAddress().getPort();
    endpoint = CoapEndpoints.blocks(Duration.ofMillis(200), null);
    endpoint.start();
  }

  @AfterEach
  void stop() {
    endpoint.destroy();
    server.destroy();
  }

  Response block(int num, int szx, boolean shortened) {
    int size = BlockOption.szx2Size(szx);
    int from = num * size;
    int length = Math.min(size, bundle.length - from) - (shortened ? 1 : 0);
    Response r = new Response(ResponseCode.CONTENT);
    byte[] data = new byte[length];
    System.arraycopy(bundle, from, data, 0, length);
    r.setPayload(data);
    r.getOptions().setBlock2(szx, from + length < bundle.length, num);
    return r;
  }

  BlockFetcher fetcher() {
    return new BlockFetcher(endpoint, url, 1024, frames::add);
  }

  @Test
  void everyChunkArrivesWithTheBytesItsSignedHashCovers() throws Exception {
    BlockFetcher f = fetcher();
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < ref.chunkCount(); i++) {
      all.add(i);
    }
    f.request(ref, all);
    for (int n = 0; n < ref.chunkCount(); n++) {
      byte[] frame = frames.poll(30, TimeUnit.SECONDS);
      assertThat(frame).as("chunk frame " + n).isNotNull();
      ChunkMessage c = ChunkMessage.decode(frame, ref.chunkSize());
      assertThat(Sha256.hex(c.data())).as("chunk " + c.index()).isEqualTo(ref.chunkHashes().get(c.index()));
    }
    assertThat(f.blocksRefused()).isZero();
  }

  @Test
  void aFetchCutOffMidChunkResumesAtItsFirstMissingBlock() throws Exception {
    // Chunk 5 covers bytes 7500-8999: blocks 7 and 8. Block 8 is refused once.
    AtomicInteger refusals = new AtomicInteger(1);
    misbehave = num -> num == 8 && refusals.getAndDecrement() > 0 ? new Response(ResponseCode.SERVICE_UNAVAILABLE) : null;
    BlockFetcher f = fetcher();
    f.request(ref, List.of(5));
    assertThat(frames.poll(2, TimeUnit.SECONDS)).as("no chunk while a block is missing").isNull();
    f.request(ref, List.of(5));
    byte[] frame = frames.poll(30, TimeUnit.SECONDS);
    assertThat(frame).isNotNull();
    assertThat(Sha256.hex(ChunkMessage.decode(frame, ref.chunkSize()).data())).isEqualTo(ref.chunkHashes().get(5));
    assertThat(asked.get(7).get()).as("block 7 fetched once: the second request resumed at block 8").isEqualTo(1);
    assertThat(asked.get(8).get()).isEqualTo(2);
  }

  @Test
  void aBlockOfAnotherNumberOrLengthIsRefusedAndNoChunkIsMadeOfIt() throws Exception {
    misbehave = num -> num == 0 ? block(1, BlockOption.size2Szx(1024), false) : num == 2 ? block(2, BlockOption.size2Szx(1024), true) : null;
    BlockFetcher f = fetcher();
    f.request(ref, List.of(0, 1)); // chunk 0: block 0; chunk 1: blocks 1 and 2
    assertThat(frames.poll(3, TimeUnit.SECONDS)).isNull();
    assertThat(f.blocksRefused()).isEqualTo(2);
    misbehave = num -> null;
    f.request(ref, List.of(0, 1));
    for (int n = 0; n < 2; n++) {
      byte[] frame = frames.poll(30, TimeUnit.SECONDS);
      assertThat(frame).isNotNull();
      ChunkMessage c = ChunkMessage.decode(frame, ref.chunkSize());
      assertThat(Sha256.hex(c.data())).isEqualTo(ref.chunkHashes().get(c.index()));
    }
  }

  @Test
  void chunksOutsideTheBundleAreNotAskedFor() throws Exception {
    BlockFetcher f = fetcher();
    f.request(ref, List.of(-1, ref.chunkCount(), 1_000_000));
    assertThat(frames.poll(1, TimeUnit.SECONDS)).isNull();
    assertThat(asked).isEmpty();
  }
}
