package org.edgefleet.bench.coap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.edgefleet.agent.transport.BlockFetcher;
import org.edgefleet.agent.transport.CoapEndpoints;
import org.edgefleet.bench.Progress;
import org.edgefleet.bench.fleet.BenchServer;
import org.edgefleet.bench.fleet.ModelBundles;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.Goal;
import org.edgefleet.bench.report.Numbers;
import org.edgefleet.bench.report.Outcome;
import org.edgefleet.fault.LossyUdpRelay;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.MessageException;
import org.edgefleet.protocol.transfer.ChunkMessage;
import org.edgefleet.protocol.transfer.ChunkPlan;
import org.edgefleet.protocol.trust.Sha256;

/**
 * A bundle to one device over CoAP as the agent fetches it (the fleet server's {@code b/{digest}},
 * random-access Block2 blocks of 1024 bytes, each chunk checked against its signed hash, eight
 * chunks at a time like the agent's default window) against plain Californium's transparent
 * block-wise GET of the same bytes from memory, on loopback, then both through a relay that drops
 * the given share of datagrams each way. Rounds alternate which side goes first.
 */
public final class CoapTransferBenchmark {

  /** @param loss the share of datagrams the lossy runs drop each way (0.05: 5 %) */
  public record Settings(int bundleBytes, int rounds, double loss) {}

  public static final String NAME = "coap-transfer";
  static final Goal GOAL = Goal.ratioAtMost(1.2);
  private static final int WINDOW = 8;
  private static final Duration ACK_TIMEOUT = Duration.ofMillis(500);
  private static final long CHUNK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

  private CoapTransferBenchmark() {}

  public static BenchmarkReport run(Path workDir, Settings s) throws Exception {
    ModelBundles bundles = ModelBundles.create(workDir.resolve("bundles"));
    Path bundle = bundles.wideBundle(1, s.bundleBytes());
    byte[] bytes = Files.readAllBytes(bundle);
    List<Outcome> outcomes = new ArrayList<>();
    List<String> details = new ArrayList<>();
    details.add("| link | fleet CoAP median ms | raw Californium median ms | ratio | rounds |");
    details.add("|---|---|---|---|---|");
    try (BenchServer server = BenchServer.start(workDir.resolve("server"), bundles.packagerKey(), c -> c.set(org.edgefleet.server.config.Settings.COAP_PORT, 0));
         RawBlockServer raw = RawBlockServer.start(bytes)) {
      server.api().upload(bundle);
      BundleRef ref = ChunkPlan.of(bundle, ChunkPlan.DEFAULT_CHUNK_SIZE); // the server's chunk size: BenchServer keeps the default
      int fleetPort = server.server().coap().orElseThrow().port();
      for (double loss : new double[] {0, s.loss()}) {
        String link = loss == 0 ? "loopback" : Numbers.format(loss * 100) + " % loss each way";
        Progress.log(NAME, link);
        try (LossyUdpRelay toFleet = new LossyUdpRelay(fleetPort, loss, 0, 1);
             LossyUdpRelay toRaw = new LossyUdpRelay(raw.port(), loss, 0, 2)) {
          long[] fleet = new long[s.rounds()];
          long[] plain = new long[s.rounds()];
          fetchAsAgent(toFleet.coapUrl(), ref, bytes); // warm-up of both paths
          fetchRaw(toRaw.coapUrl(), bytes);
          for (int r = 0; r < s.rounds(); r++) {
            if (r % 2 == 0) {
              fleet[r] = fetchAsAgent(toFleet.coapUrl(), ref, bytes);
              plain[r] = fetchRaw(toRaw.coapUrl(), bytes);
            } else {
              plain[r] = fetchRaw(toRaw.coapUrl(), bytes);
              fleet[r] = fetchAsAgent(toFleet.coapUrl(), ref, bytes);
            }
          }
          double f = median(fleet) / 1e6;
          double p = median(plain) / 1e6;
          details.add("| " + link + " | " + Numbers.format(f) + " | " + Numbers.format(p) + " | " + Numbers.format(f / p) + " | "
              + s.rounds() + " |");
          outcomes.add(new Outcome(NAME, "bundle of " + bytes.length + " bytes over CoAP, " + link
              + " (baseline: raw Californium block-wise GET)", "ms", f, p, loss == 0 ? GOAL : null));
        }
      }
    }
    details.add("");
    details.add("Fleet side: BlockFetcher (agent-coap) against the server's b/{digest}, " + WINDOW + " chunks in flight, "
        + "each chunk verified against its hash; raw side: one CoapClient GET with Californium's transparent Block2. Both "
        + "1024-byte blocks, confirmable, ACK_TIMEOUT " + ACK_TIMEOUT.toMillis() + " ms, through a relay (lossless on loopback).");
    return new BenchmarkReport(NAME, "Bundle transfer over CoAP vs raw Californium block-wise GET", outcomes, details);
  }

  /** Nanoseconds until every chunk arrived and matched its hash. */
  static long fetchAsAgent(String url, BundleRef ref, byte[] expected) throws Exception {
    CoapEndpoint endpoint = CoapEndpoints.blocks(ACK_TIMEOUT, null);
    BitSet received = new BitSet(ref.chunkCount());
    AtomicInteger next = new AtomicInteger(Math.min(WINDOW, ref.chunkCount()));
    Object lock = new Object();
    byte[] assembled = new byte[(int) ref.size()];
    BlockFetcher[] fetcher = new BlockFetcher[1];
    fetcher[0] = new BlockFetcher(endpoint, url, 1024, frame -> {
      ChunkMessage c;
      try {
        c = ChunkMessage.decode(frame, ref.chunkSize());
      } catch (MessageException e) {
        return;
      }
      if (!Sha256.hex(c.data()).equals(ref.chunkHashes().get(c.index()))) {
        fetcher[0].request(ref, List.of(c.index()));
        return;
      }
      System.arraycopy(c.data(), 0, assembled, c.index() * ref.chunkSize(), c.data().length);
      int more;
      synchronized (lock) {
        received.set(c.index());
        lock.notifyAll();
      }
      more = next.getAndIncrement();
      if (more < ref.chunkCount()) {
        fetcher[0].request(ref, List.of(more));
      }
    });
    endpoint.start();
    try {
      long start = System.nanoTime();
      List<Integer> first = new ArrayList<>();
      for (int i = 0; i < next.get(); i++) {
        first.add(i);
      }
      fetcher[0].request(ref, first);
      long lastAsk = System.nanoTime();
      synchronized (lock) {
        while (received.cardinality() < ref.chunkCount()) {
          lock.wait(200);
          if (System.nanoTime() - lastAsk > CHUNK_TIMEOUT_NANOS) {
            // As the agent does after chunkTimeout: ask again for what has not come (resumes at the missing block).
            List<Integer> missing = new ArrayList<>();
            for (int i = received.nextClearBit(0); i < Math.min(next.get(), ref.chunkCount()); i = received.nextClearBit(i + 1)) {
              missing.add(i);
            }
            fetcher[0].request(ref, missing);
            lastAsk = System.nanoTime();
          }
          if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(10)) {
            throw new IllegalStateException("bundle not complete after 10 minutes: " + received.cardinality() + " chunks");
          }
        }
      }
      long elapsed = System.nanoTime() - start;
      if (!Arrays.equals(assembled, expected)) {
        throw new IllegalStateException("the assembled bundle differs from the uploaded one");
      }
      return elapsed;
    } finally {
      endpoint.destroy();
    }
  }

  static long fetchRaw(String url, byte[] expected) throws Exception {
    CoapConfig.register();
    UdpConfig.register();
    Configuration c = Configuration.createStandardWithoutFile();
    c.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, expected.length + 1);
    c.set(CoapConfig.PREFERRED_BLOCK_SIZE, 1024);
    c.set(CoapConfig.MAX_MESSAGE_SIZE, 1024);
    c.set(CoapConfig.ACK_TIMEOUT, (int) ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    CoapEndpoint endpoint = new CoapEndpoint.Builder().setConfiguration(c).build();
    CoapClient client = new CoapClient(url + "/raw");
    client.setEndpoint(endpoint);
    client.setTimeout(TimeUnit.MINUTES.toMillis(10));
    try {
      long start = System.nanoTime();
      CoapResponse r = client.get();
      long elapsed = System.nanoTime() - start;
      if (r == null || !Arrays.equals(r.getPayload(), expected)) {
        throw new IllegalStateException("raw GET returned " + (r == null ? "nothing" : r.getPayload().length + " bytes"));
      }
      return elapsed;
    } finally {
      client.shutdown();
      endpoint.destroy();
    }
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }
}
