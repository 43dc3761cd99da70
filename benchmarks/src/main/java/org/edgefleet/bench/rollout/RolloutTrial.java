package org.edgefleet.bench.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.edgefleet.agent.EdgeAgentBuilder;
import org.edgefleet.agent.linux.SqliteOutbox;
import org.edgefleet.bench.Poll;
import org.edgefleet.bench.Progress;
import org.edgefleet.bench.WorkDirs;
import org.edgefleet.bench.fleet.BenchServer;
import org.edgefleet.bench.fleet.ModelBundles;
import org.edgefleet.server.broker.EmbeddedBroker;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.transfer.BundleBroadcasts;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;

/**
 * One fleet size: a fresh server with the bundle registered, the raw fan-out baseline, the
 * rollout to N simulated agents, and the baseline again, all on the same broker.
 */
final class RolloutTrial {

  /**
   * What one fleet size measured.
   *
   * @param rawBefore raw per-device fan-out before the fleet started
   * @param rawAfter raw per-device fan-out after the fleet stopped
   * @param broadcastBefore raw broadcast before the fleet started
   * @param broadcastAfter raw broadcast after the fleet stopped
   * @param rollout the rollout's own figures
   */
  record Result(int devices, int frames, long frameBytes, Duration rawBefore, Duration rawAfter,
      RawChunkFanout.BroadcastRun broadcastBefore, RawChunkFanout.BroadcastRun broadcastAfter, RolloutTimes rollout) {

    Duration baseline() {
      return rawBefore.plus(rawAfter).dividedBy(2);
    }

    /** The mean of the raw broadcasts that delivered every frame; empty when neither did. */
    Optional<Duration> broadcastBaseline() {
      List<Duration> complete = Stream.of(broadcastBefore, broadcastAfter).filter(RawChunkFanout.BroadcastRun::complete)
          .map(RawChunkFanout.BroadcastRun::time).toList();
      return complete.isEmpty() ? Optional.empty()
          : Optional.of(complete.stream().reduce(Duration.ZERO, Duration::plus).dividedBy(complete.size()));
    }
  }

  /**
   * Times of one rollout, both from the rollout request, what the server published for it, and its steps.
   *
   * @param chunksSent chunks the server sent to single devices (repairs, when it broadcast)
   * @param broadcastChunks chunks the server published once for all devices
   * @param bytesPublished bundle bytes of both kinds the broker acknowledged to the server
   */
  record RolloutTimes(Duration allActive, Duration finished, long chunksSent, long broadcastChunks, long bytesPublished,
      List<UpdateSteps.Step> steps) {}

  private static final String NAME = RolloutBenchmark.NAME;
  private static final DeviceProfile PROFILE = new DeviceProfile("bench", Map.of("hw", "bench"), 0, 0);
  private static final RawChunkFanout.Window SERVER_WINDOW = new RawChunkFanout.Window(
      Settings.CHUNKS_IN_FLIGHT.defaultValue(), Settings.CHUNKS_IN_FLIGHT_PER_DEVICE.defaultValue());
  private static final int OUTBOX_BOUND = 10_000;
  // Agents ask again for a chunk after 5 s; a fleet in which nothing moves for this long has stalled.
  private static final Duration STALL = Duration.ofSeconds(60);
  static final String DEVICES = "devices";
  static final String OUTBOXES = "outboxes";

  private final Path dir;
  private final ModelBundles bundles;
  private final Path bundle;
  private final RolloutBenchmark.Settings settings;

  RolloutTrial(Path dir, ModelBundles bundles, Path bundle, RolloutBenchmark.Settings settings) {
    this.dir = dir;
    this.bundles = bundles;
    this.bundle = bundle;
    this.settings = settings;
  }

  Result run(int devices) throws Exception {
    try (BenchServer server = BenchServer.start(dir.resolve("server"), bundles.packagerKey())) {
      server.api().upload(bundle);
      List<byte[]> frames = RawChunkFanout.frames(bundle, Settings.CHUNK_SIZE.defaultValue());
      long frameBytes = frames.stream().mapToLong(f -> f.length).sum();
      RawChunkFanout raw = new RawChunkFanout(server.mqttUrl(), EmbeddedBroker.serverUsername(), server.brokerPassword(),
          server.server().topics());
      Duration before = raw.run("rawa", devices, frames, SERVER_WINDOW, settings.timeout());
      RawChunkFanout.BroadcastRun broadcastBefore = raw.broadcast("rawc", devices, frames, BundleBroadcasts.IN_FLIGHT, settings.timeout());
      Progress.log(NAME, devices + " devices: raw fan-out took " + before.toMillis() + " ms, raw broadcast "
          + broadcastBefore.describe());
      RolloutTimes rollout = rollOut(server, devices);
      Duration after = raw.run("rawb", devices, frames, SERVER_WINDOW, settings.timeout());
      RawChunkFanout.BroadcastRun broadcastAfter = raw.broadcast("rawd", devices, frames, BundleBroadcasts.IN_FLIGHT, settings.timeout());
      Progress.log(NAME, devices + " devices: raw fan-out again took " + after.toMillis() + " ms, raw broadcast "
          + broadcastAfter.describe());
      return new Result(devices, frames.size(), frameBytes, before, after, broadcastBefore, broadcastAfter, rollout);
    }
  }

  /** Starts the fleet, waits until the server knows every device, then rolls the bundle out to all of them. */
  private RolloutTimes rollOut(BenchServer server, int devices) throws Exception {
    Path nativeDir = dir.resolve("native");
    AtomicInteger outboxes = new AtomicInteger();
    long fleetStart = System.nanoTime();
    try (FleetSimulator sim = FleetSimulator.builder().brokerUrl(server.mqttUrl()).dataRoot(dir.resolve(DEVICES))
        .trust(server.deviceTrust()).devices(devices).idPrefix("dev").profiles(List.of(PROFILE))
        .threads(settings.agentThreads(), 1)
        .customizeAgents(b -> lightAgent(b, nativeDir,
            dir.resolve(OUTBOXES).resolve("outbox-" + outboxes.getAndIncrement() + ".db")))
        .start()) {
      Duration patience = settings.timeout();
      Poll.untilReached(devices + " agents to connect", devices, patience, STALL, Duration.ofMillis(200), sim::countConnected);
      Poll.untilReached("the server to know the labels of " + devices + " devices", devices, patience, STALL,
          Duration.ofSeconds(1), () -> labelled(server.api().devices()));
      Progress.log(NAME, devices + " agents connected and known in " + secondsSince(fleetStart) + " s");

      UpdateSteps steps = UpdateSteps.listenTo(sim);
      Instant requested = Instant.now();
      long start = System.nanoTime();
      long id = server.api().createRollout(ModelBundles.MODEL, 1, "hw=" + PROFILE.labels().get("hw"));
      Poll.untilReached("all " + devices + " agents to activate the bundle", devices, patience, STALL, Duration.ofMillis(20),
          () -> sim.countActive(ModelBundles.MODEL, 1));
      Duration allActive = Duration.ofNanos(System.nanoTime() - start);
      Poll.until("the server to finish the rollout once every agent is active", STALL, Duration.ofMillis(50),
          () -> "FINISHED".equals(server.api().rollout(id).path("status").asText()));
      Duration finished = Duration.ofNanos(System.nanoTime() - start);
      JsonNode counts = server.api().rollout(id).path("counts");
      if (counts.path("active").asInt() != devices) {
        throw new IllegalStateException("rollout finished with " + counts + " instead of " + devices + " active");
      }
      Map<String, Double> metrics = server.api().scrape();
      long chunksSent = metrics.getOrDefault("fleet_transfer_chunks_sent_total", 0.0).longValue();
      long broadcastChunks = metrics.getOrDefault("fleet_transfer_broadcast_chunks_total{path=\"broadcast\"}", 0.0).longValue();
      long bytes = metrics.getOrDefault("fleet_transfer_bytes_sent_total", 0.0).longValue()
          + metrics.getOrDefault("fleet_transfer_broadcast_bytes_total{path=\"broadcast\"}", 0.0).longValue();
      Progress.log(NAME, devices + " devices: all active after " + allActive.toMillis() + " ms, rollout FINISHED after "
          + finished.toMillis() + " ms, " + broadcastChunks + " chunks broadcast and " + chunksSent + " sent to single devices");
      return new RolloutTimes(allActive, finished, chunksSent, broadcastChunks, bytes, steps.steps(requested));
    } finally {
      Progress.log(NAME, "fleet of " + devices + " closed; it ran " + secondsSince(fleetStart) + " s");
    }
  }

  /** Removes the agents' data (gigabytes for a large fleet), keeping the server's for a look afterwards. */
  static void deleteFleetData(Path dir) throws IOException {
    WorkDirs.delete(dir.resolve(DEVICES));
    WorkDirs.delete(dir.resolve(OUTBOXES));
  }

  /**
   * Many agents on one disk: an outbox that lets WAL sync at checkpoints instead of every commit
   * (docs/agent.md), and one directory for ONNX Runtime's native libraries instead of one per agent.
   */
  static EdgeAgentBuilder lightAgent(EdgeAgentBuilder b, Path nativeDir, Path outboxFile) {
    return b.nativeLibraryDir(nativeDir).outbox((dataDir, bound) -> SqliteOutbox.open(outboxFile, OUTBOX_BOUND, false));
  }

  private static long secondsSince(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos).toSeconds();
  }

  private static long labelled(JsonNode devices) {
    long n = 0;
    for (JsonNode d : devices) {
      if (PROFILE.labels().get("hw").equals(d.path("labels").path("hw").asText())) {
        n++;
      }
    }
    return n;
  }
}
