package org.edgefleet.server.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.TestBundles;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device asking for a whole bundle in a loop gets it once plus its repeat budget, while the
 * other devices of the rollout finish and the server's direct memory stays bounded.
 */
class ChunkFloodTest {

  private static final Logger LOG = LoggerFactory.getLogger(ChunkFloodTest.class);
  private static final Duration LONG = Duration.ofSeconds(90);
  private static final int CHUNK = 4096;
  private static final long REPEAT_BUDGET = 32 * CHUNK;
  private static final Duration REPEAT_WINDOW = Duration.ofSeconds(10);
  private static final int FLOOD_REQUESTS = 20_000;

  @TempDir Path dir;
  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  private FleetServer server;
  private Api api;

  @BeforeEach
  void start() throws Exception {
    start(b -> b);
  }

  private void start(UnaryOperator<ServerConfig.Builder> tweak) throws Exception {
    if (server != null) {
      server.close();
    }
    Path trusted = TestServers.trustedKey(dir, packager);
    server = FleetServer.start(tweak.apply(TestServers.config(dir.resolve("data")).trustedPackagerKeys(List.of(trusted))
        .chunkSize(CHUNK).chunkRates(200, 1 << 20, 16 << 20).chunkRepeatBudget(REPEAT_BUDGET, REPEAT_WINDOW)).build());
    api = Api.admin(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Four devices of one rollout: the first floods, the others fetch the bundle meanwhile. */
  private final class Flood implements AutoCloseable {
    final byte[] expected;
    final List<FakeDevice> devices = new ArrayList<>();
    final FakeDevice flooder;
    final BundleRef ref;
    private final ExecutorService fetchers = Executors.newFixedThreadPool(4);

    Flood(String model) throws Exception {
      Path bundle = TestBundles.write(dir.resolve("b"), packager, model, 1, 200_000);
      expected = Files.readAllBytes(bundle);
      for (int i = 0; i < 4; i++) {
        FakeDevice d = new FakeDevice(server.mqttUrl(), "dev-" + i, server.topics());
        d.report(Map.of("hw", "rpi4"), 0, List.of());
        devices.add(d);
      }
      flooder = devices.get(0);
      await().atMost(LONG).until(() -> api.get("/api/v1/devices").json().get("devices").size() == 4);
      assertThat(api.upload(bundle).status()).isEqualTo(201);
      assertThat(api.postJson("/api/v1/rollouts", "{\"model\":\"" + model + "\",\"version\":1}").status()).isEqualTo(201);
      ref = flooder.awaitDesired(TrustStore.of(server.serverKey()), 1, LONG).models().get(0).bundle();
      assertThat(ref.chunkCount()).isLessThanOrEqualTo(64);
    }

    /** Floods while the others fetch; returns the flood requests Paho took, once every other device has the bundle. */
    int floodWhileOthersFetch() throws Exception {
      List<Future<byte[]>> fetched = new ArrayList<>();
      for (FakeDevice d : devices.subList(1, devices.size())) {
        fetched.add(fetchers.submit(() -> d.fetch(ref, 8, LONG)));
      }
      List<Integer> all = IntStream.range(0, ref.chunkCount()).boxed().toList();
      int sent = 0;
      for (int i = 0; i < FLOOD_REQUESTS; i++) {
        sent += flooder.requestAtMostOnce(ref.digest(), all) ? 1 : 0;
      }
      for (Future<byte[]> f : fetched) {
        assertThat(fetchedOrDiagnosed(f)).isEqualTo(expected);
      }
      return sent;
    }

    @Override
    public void close() {
      fetchers.shutdownNow();
      devices.forEach(FakeDevice::close);
    }
  }

  @Test
  void aFloodingDeviceIsServedWithinItsBudgetWhileOthersFinish() throws Exception {
    try (Flood flood = new Flood("flood")) {
      FakeDevice flooder = flood.flooder;
      BundleRef ref = flood.ref;
      Memory before = Memory.now();
      long start = System.nanoTime();
      int sent = flood.floodWhileOthersFetch();
      await().atMost(LONG).until(() -> server.transfer().inFlight() == 0 && server.transfer().queued() == 0);
      String metrics = api.get("/metrics").body();
      double refusedRate = TestServers.metric(metrics, "fleet_transfer_chunks_refused_total", "request_rate");
      double refusedRepeat = TestServers.metric(metrics, "fleet_transfer_chunks_refused_total", "repeat_bytes");
      Memory after = Memory.now();
      // Repeat windows begun since the flood started; a slower run only loosens the bound.
      long windows = (System.nanoTime() - start) / REPEAT_WINDOW.toNanos() + 2;
      long flooderBytes = (long) flooder.chunkFrames() * CHUNK;
      LOG.info("flood requests_sent={} flooder_chunk_frames={} flooder_bytes<={} bundle_bytes={} refused_request_rate={} "
          + "refused_repeat={} windows={} before={} after={}", sent, flooder.chunkFrames(), flooderBytes, ref.size(), refusedRate,
          refusedRepeat, windows, before, after);

      assertThat(sent).isGreaterThan(FLOOD_REQUESTS / 2);
      // Per repeat window the flooder gets at most the chunks not sent to it in the window before, plus its repeat budget.
      long allowance = windows * (ref.chunkCount() + REPEAT_BUDGET / CHUNK);
      assertThat((long) flooder.chunkFrames()).isLessThanOrEqualTo(allowance);
      // A broker whose queues overflowed under the flood dropped some of its chunks (counted): then it may have fewer.
      if (TestServers.metric(metrics, "fleet_mqtt_publish_acks_lost", null) == 0) {
        assertThat(flooder.chunkFrames()).isGreaterThanOrEqualTo(ref.chunkCount());
      }
      assertThat(refusedRate).isPositive();
      assertThat(refusedRepeat).isPositive();
      double bytesSent = TestServers.metric(metrics, "fleet_transfer_bytes_sent_total", null);
      assertThat(bytesSent).isLessThan(windows * 4.0 * (ref.size() + REPEAT_BUDGET));
      // The flood asks for 20,000 bundles (4 GB): what this JVM holds in direct buffers stays small.
      assertThat(after.direct() - before.direct()).isLessThan(32L << 20);
    }
  }

  /**
   * A flood that overflows the embedded broker's session queues makes Moquette drop publishes and
   * acknowledgements without answering. Before the ack timeout a chunk so lost stayed in flight for
   * good, and the devices waiting for it never finished (the CI failure "dev-1 got 47 of 50 chunks").
   */
  @Test
  void aFloodThatOverflowsTheBrokersQueuesDelaysButDoesNotStallOtherDevices() throws Exception {
    start(b -> b.set(Settings.BROKER_SESSION_QUEUE, 16).set(Settings.PUBLISH_ACK_TIMEOUT, Duration.ofSeconds(2)));
    try (Flood flood = new Flood("overflow")) {
      flood.floodWhileOthersFetch();
      await().atMost(LONG).until(() -> server.transfer().inFlight() == 0 && server.transfer().queued() == 0);
      double lost = TestServers.metric(api.get("/metrics").body(), "fleet_mqtt_publish_acks_lost", null);
      LOG.info("overflow acks_lost={}", lost);
    }
  }

  // A fetch that timed out says what the server's transfer state was, so a failure on a loaded machine can be read.
  private byte[] fetchedOrDiagnosed(Future<byte[]> f) throws Exception {
    try {
      return f.get();
    } catch (ExecutionException e) {
      String transfer = api.get("/metrics").body().lines().filter(l -> l.startsWith("fleet_transfer") || l.startsWith("fleet_broker") || l.startsWith("fleet_device"))
          .collect(Collectors.joining("\n"));
      throw new AssertionError(e.getCause().getMessage() + "; server in_flight=" + server.transfer().inFlight() + " queued="
          + server.transfer().queued() + "\n" + transfer, e.getCause());
    }
  }

  @Test
  void aDeviceThatLostChunksGetsThemAgain() throws Exception {
    Path bundle = TestBundles.write(dir.resolve("b"), packager, "repair", 1, 120_000);
    byte[] expected = Files.readAllBytes(bundle);
    try (FakeDevice d = new FakeDevice(server.mqttUrl(), "dev-lossy", server.topics())) {
      d.report(Map.of("hw", "rpi4"), 0, List.of());
      await().atMost(LONG).until(() -> api.get("/api/v1/devices").json().get("devices").size() == 1);
      assertThat(api.upload(bundle).status()).isEqualTo(201);
      assertThat(api.postJson("/api/v1/rollouts", "{\"model\":\"repair\",\"version\":1}").status()).isEqualTo(201);
      BundleRef ref = d.awaitDesired(TrustStore.of(server.serverKey()), 1, LONG).models().get(0).bundle();
      assertThat(d.fetch(ref, 8, LONG)).isEqualTo(expected);

      // The chunks were sent, so asking again is a repeat: it fits the repeat budget and is served.
      List<Integer> lost = IntStream.range(0, ref.chunkCount()).filter(i -> i % 3 == 0).boxed().toList();
      assertThat((long) lost.size() * CHUNK).isLessThanOrEqualTo(REPEAT_BUDGET);
      d.forget(ref.digest(), lost);
      assertThat(d.chunksReceived(ref.digest())).isEqualTo(ref.chunkCount() - lost.size());
      assertThat(d.fetch(ref, 8, LONG)).isEqualTo(expected);
      assertThat(TestServers.metric(api.get("/metrics").body(), "fleet_transfer_chunks_refused_total", "repeat_bytes")).isZero();
    }
  }

  /**
   * Off-heap memory of this JVM: NIO direct and mapped buffers (Netty, Moquette's and Paho's included:
   * Netty here allocates through ByteBuffer.allocateDirect, so the pool counts it) and the resident set.
   */
  record Memory(long direct, long mapped, long rssBytes) {
    static Memory now() throws Exception {
      long direct = 0;
      long mapped = 0;
      for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
        if (pool.getName().equals("direct")) {
          direct = pool.getMemoryUsed();
        } else if (pool.getName().equals("mapped")) {
          mapped = pool.getMemoryUsed();
        }
      }
      long rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).findFirst().orElse(-1);
      return new Memory(direct, mapped, rss);
    }
  }
}
