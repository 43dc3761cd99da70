package org.edgefleet.agent.transport;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.BlockOption;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.Endpoint;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.transfer.ChunkMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches chunks of a bundle over CoAP: the blocks (Block2, random access) that cover each chunk's
 * bytes of {@code b/{digest}}, one at a time per chunk, confirmable so CoAP retransmits a lost one.
 * A chunk's blocks received so far are kept while it is incomplete, so a fetch that failed (the
 * server went away, a block exhausted its retransmissions) resumes at its first missing block when
 * the agent asks for the chunk again. A complete chunk goes to the sink as a chunk frame with the
 * hash of what arrived; the agent's download checks it against the signed chunk hash and asks
 * again for a chunk that does not match. Public for tools and benchmarks that fetch bundles as an agent does. A block whose number, size or length is not the one asked
 * for is dropped and the chunk's fetch fails, to be asked for again.
 */
public final class BlockFetcher implements ChunkFetcher {

  private static final Logger log = LoggerFactory.getLogger(BlockFetcher.class);
  // Partial chunks held at most: a few windows' worth, so a bundle given up cannot pile up.
  private static final int MAX_PARTIALS = 64;

  /** Receives each complete chunk as a frame, on a Californium thread. */
  public interface Sink {
    void chunk(byte[] frame);
  }

  private final Endpoint endpoint;
  private final String serverUrl;
  private final int szx;
  private final Sink sink;
  private final Map<String, Partial> partials = new ConcurrentHashMap<>();
  private final Map<String, CoapClient> clients = new ConcurrentHashMap<>();
  private final AtomicLong blocks = new AtomicLong();
  private final AtomicLong badBlocks = new AtomicLong();

  /** @param endpoint an endpoint without transparent blockwise handling ({@link CoapEndpoints#blocks}) */
  public BlockFetcher(Endpoint endpoint, String serverUrl, int blockSize, Sink sink) {
    this.endpoint = endpoint;
    this.serverUrl = serverUrl;
    this.szx = BlockOption.size2Szx(blockSize);
    this.sink = sink;
  }

  private final class Partial {
    final BundleRef bundle;
    final int index;
    final byte[] data;
    final long start;
    final int size = BlockOption.szx2Size(szx);
    volatile int nextBlock;
    boolean running;

    Partial(BundleRef bundle, int index) {
      this.bundle = bundle;
      this.index = index;
      this.data = new byte[bundle.chunkLength(index)];
      this.start = (long) index * bundle.chunkSize();
      this.nextBlock = (int) (start / size);
    }

    int lastBlock() {
      return (int) ((start + data.length - 1) / size);
    }

    String key() {
      return bundle.digest() + "/" + index;
    }
  }

  @Override
  public CompletableFuture<Void> request(BundleRef bundle, List<Integer> chunks) {
    for (int index : chunks) {
      if (index < 0 || index >= bundle.chunkCount()) {
        continue;
      }
      Partial p = partials.computeIfAbsent(bundle.digest() + "/" + index, k -> new Partial(bundle, index));
      synchronized (p) {
        if (p.running) {
          continue; // asked for again while its blocks are on their way
        }
        p.running = true;
      }
      next(p);
    }
    trim();
    return CompletableFuture.completedFuture(null);
  }

  /** Blocks received, and blocks dropped for not being the one asked for; for tests and benchmarks. */
  public long blocksReceived() {
    return blocks.get();
  }

  public long blocksRefused() {
    return badBlocks.get();
  }

  private void next(Partial p) {
    if (p.nextBlock > p.lastBlock()) {
      partials.remove(p.key());
      // Framed with the signed hash, not a new one: the agent checks the data against that hash once.
      sink.chunk(new ChunkMessage(p.bundle.digest(), p.index, p.data).encode(p.bundle.chunkHashes().get(p.index)));
      return;
    }
    int num = p.nextBlock;
    Request get = Request.newGet();
    get.getOptions().setBlock2(szx, false, num);
    client(p.bundle.digest()).advanced(new CoapHandler() {
      @Override
      public void onLoad(CoapResponse response) {
        if (accept(p, num, response)) {
          next(p);
        } else {
          stop(p, "block " + num + " refused: " + response.getCode());
        }
      }

      @Override
      public void onError() {
        stop(p, "block " + num + " unanswered");
      }
    }, get);
  }

  private boolean accept(Partial p, int num, CoapResponse response) {
    BlockOption b2 = response.getOptions().getBlock2();
    long blockStart = (long) num * p.size;
    int expected = (int) Math.min(p.size, p.bundle.size() - blockStart);
    byte[] payload = response.getPayload();
    if (response.getCode() != ResponseCode.CONTENT || b2 == null || b2.getNum() != num || b2.getSzx() != szx
        || payload == null || payload.length != expected) {
      badBlocks.incrementAndGet();
      return false;
    }
    // The overlap of the block with the chunk: blocks need not align with chunk boundaries.
    long from = Math.max(blockStart, p.start);
    long to = Math.min(blockStart + expected, p.start + p.data.length);
    System.arraycopy(payload, (int) (from - blockStart), p.data, (int) (from - p.start), (int) (to - from));
    blocks.incrementAndGet();
    p.nextBlock = num + 1;
    return true;
  }

  private void stop(Partial p, String why) {
    synchronized (p) {
      p.running = false;
    }
    log.debug("event=coap_chunk_fetch_paused digest={} chunk={} resume_at_block={} reason=\"{}\"", p.bundle.digest(), p.index,
        p.nextBlock, why);
  }

  private CoapClient client(String digest) {
    if (clients.size() > 4 && !clients.containsKey(digest)) {
      clients.clear(); // an older bundle's; a client holds nothing but its URI
    }
    return clients.computeIfAbsent(digest, d -> {
      CoapClient c = new CoapClient(serverUrl + "/b/" + d);
      c.setEndpoint(endpoint);
      return c;
    });
  }

  private void trim() {
    if (partials.size() <= MAX_PARTIALS) {
      return;
    }
    for (Iterator<Partial> it = partials.values().iterator(); it.hasNext() && partials.size() > MAX_PARTIALS;) {
      Partial p = it.next();
      synchronized (p) {
        if (!p.running) {
          it.remove();
        }
      }
    }
  }
}
