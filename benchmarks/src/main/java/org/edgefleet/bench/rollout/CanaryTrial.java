package org.edgefleet.bench.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgefleet.bench.Poll;
import org.edgefleet.bench.Progress;
import org.edgefleet.bench.fleet.BenchServer;
import org.edgefleet.bench.fleet.ModelBundles;
import org.edgefleet.server.config.Settings;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;

/**
 * One fleet: a fresh server, N simulated agents put on version 1, then version 2 all at once (the
 * baseline) and version 3 canaried through the stages, both timed from the rollout request, with
 * the server threads' CPU and the process's memory taken over the canary.
 */
final class CanaryTrial {

  /**
   * One stage of the canary.
   *
   * @param devices targets the rollout held in this stage (every stage so far)
   * @param allActive from the stage's start until every one of them served the new version
   * @param promoted from the stage's start until the next stage started (the last: until FINISHED)
   */
  record Stage(double percent, int devices, Duration allActive, Duration promoted) {}

  /**
   * What one fleet measured.
   *
   * @param allAtOnce from the all-at-once request until the server marked it FINISHED
   * @param canary from the canary request until the server marked it FINISHED
   * @param cpu server threads' and process CPU during the canary
   * @param heapIdleBytes heap in use after a GC with the server up and no agent yet
   * @param heapEndBytes heap in use after a GC at the canary's end, server and agents
   * @param rssIdleBytes resident set with the server up and no agent yet
   * @param rssEndBytes resident set at the canary's end, server and agents
   */
  record Result(int devices, Duration allAtOnce, Duration canary, List<Stage> stages, ServerThreadsCpu.Reading cpu,
      long heapIdleBytes, long heapEndBytes, long rssIdleBytes, long rssEndBytes) {}

  static final String ID_PREFIX = "cdev";
  private static final String NAME = CanaryBenchmark.NAME;
  private static final DeviceProfile PROFILE = new DeviceProfile("bench", Map.of("hw", "bench"), 1, 0);
  private static final Duration STALL = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(50);

  private final Path dir;
  private final ModelBundles bundles;
  private final CanaryBenchmark.Settings settings;

  CanaryTrial(Path dir, ModelBundles bundles, CanaryBenchmark.Settings settings) {
    this.dir = dir;
    this.bundles = bundles;
    this.settings = settings;
  }

  Result run(int devices) throws Exception {
    try (BenchServer server = BenchServer.start(dir.resolve("server"), bundles.packagerKey(),
        b -> b.set(Settings.ROLLOUT_EVALUATE_INTERVAL, settings.evaluateInterval()))) {
      for (int v = 1; v <= 3; v++) {
        server.api().upload(bundles.sampleBundle(v));
      }
      long heapIdle = heapAfterGc();
      long rssIdle = rss();
      AtomicInteger outboxes = new AtomicInteger();
      try (FleetSimulator sim = FleetSimulator.builder().brokerUrl(server.mqttUrl()).dataRoot(dir.resolve(RolloutTrial.DEVICES))
          .trust(server.deviceTrust()).devices(devices).idPrefix(ID_PREFIX).profiles(List.of(PROFILE))
          .threads(settings.agentThreads(), settings.agentThreads()).telemetryInterval(settings.telemetryInterval())
          .customizeAgents(b -> RolloutTrial.lightAgent(b, dir.resolve("native"),
              dir.resolve(RolloutTrial.OUTBOXES).resolve("outbox-" + outboxes.getAndIncrement() + ".db")))
          .start()) {
        Duration patience = settings.timeout();
        Poll.untilReached(devices + " agents to connect", devices, patience, STALL, Duration.ofMillis(200), sim::countConnected);
        Poll.untilReached("the server to know " + devices + " devices", devices, patience, STALL, Duration.ofSeconds(1),
            () -> (long) server.api().devices().size());
        allAtOnce(server, sim, devices, 1);
        Progress.log(NAME, devices + " devices on version 1");
        Duration baseline = allAtOnce(server, sim, devices, 2);
        Progress.log(NAME, devices + " devices: all-at-once FINISHED after " + baseline.toMillis() + " ms");
        try (ServerThreadsCpu cpu = ServerThreadsCpu.start(ID_PREFIX)) {
          long start = System.nanoTime();
          long id = server.api().createRollout(ModelBundles.MODEL, 3, "", strategy());
          List<Stage> stages = followStages(server, sim, id, start);
          Duration canary = Duration.ofNanos(System.nanoTime() - start);
          ServerThreadsCpu.Reading reading = cpu.read();
          Progress.log(NAME, devices + " devices: canary FINISHED after " + canary.toMillis() + " ms");
          return new Result(devices, baseline, canary, stages, reading, heapIdle, heapAfterGc(), rssIdle, rss());
        }
      }
    }
  }

  /** Rolls the version out to every device at once; the time from the request until FINISHED. */
  private static Duration allAtOnce(BenchServer server, FleetSimulator sim, int devices, int version) throws Exception {
    long start = System.nanoTime();
    long id = server.api().createRollout(ModelBundles.MODEL, version, "");
    Poll.until("rollout of version " + version + " to finish", STALL.multipliedBy(5), POLL,
        () -> "FINISHED".equals(server.api().rollout(id).path("status").asText()));
    Duration finished = Duration.ofNanos(System.nanoTime() - start);
    if (sim.countActive(ModelBundles.MODEL, version) != devices) {
      throw new IllegalStateException("version " + version + " FINISHED with " + sim.countActive(ModelBundles.MODEL, version)
          + " of " + devices + " agents serving it");
    }
    return finished;
  }

  /**
   * Watches the canary until FINISHED: when each stage started (as this poll first saw it), when
   * every target it held served version 3, and when the next stage started.
   */
  private List<Stage> followStages(BenchServer server, FleetSimulator sim, long id, long start) throws Exception {
    List<Double> percents = settings.stagePercents();
    long[] stageStart = new long[percents.size() + 1];
    long[] allActive = new long[percents.size()];
    int[] held = new int[percents.size()];
    stageStart[0] = start;
    long deadline = start + settings.timeout().toNanos();
    int stage = 0;
    while (true) {
      JsonNode r = server.api().rollout(id);
      long now = System.nanoTime();
      String status = r.path("status").asText();
      int current = r.path("stage").asInt();
      if ("ABORTED".equals(status) || "ROLLED_BACK".equals(status)) {
        throw new IllegalStateException("the canary of a good model stopped: " + r.path("history"));
      }
      boolean finished = "FINISHED".equals(status);
      for (int s = stage + 1; s <= current; s++) {
        stageStart[s] = now;
        Progress.log(NAME, "stage " + (s + 1) + " (" + percents.get(s) + " %) started " + (now - start) / 1_000_000
            + " ms after the request");
      }
      stage = Math.max(stage, current);
      if (finished) {
        stageStart[percents.size()] = now;
      }
      held[stage] = Math.max(held[stage], r.path("counts").path("total").asInt());
      if (allActive[stage] == 0 && held[stage] > 0 && sim.countActive(ModelBundles.MODEL, 3) >= held[stage]) {
        allActive[stage] = System.nanoTime();
        Progress.log(NAME, "stage " + (stage + 1) + ": all " + held[stage] + " of its devices active "
            + (allActive[stage] - stageStart[stage]) / 1_000_000 + " ms after its start");
      }
      if (finished) {
        break;
      }
      if (now > deadline) {
        throw new IllegalStateException("gave up after " + settings.timeout().toSeconds() + " s waiting for the canary: " + r);
      }
      Thread.sleep(POLL.toMillis());
    }
    List<Stage> stages = new ArrayList<>();
    for (int s = 0; s < percents.size(); s++) {
      // A stage the engine passed between two polls shows no all-active time of its own.
      Duration active = allActive[s] == 0 ? null : Duration.ofNanos(allActive[s] - stageStart[s]);
      stages.add(new Stage(percents.get(s), held[s], active, Duration.ofNanos(stageStart[s + 1] - stageStart[s])));
    }
    return stages;
  }

  private Map<String, Object> strategy() {
    List<Map<String, Object>> stages = new ArrayList<>();
    for (double p : settings.stagePercents()) {
      stages.add(Map.of("percent", p, "bakeSeconds", settings.bake().toSeconds()));
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("kind", "canary");
    s.put("stages", stages);
    s.put("gates", CanaryBenchmark.LOOSE_GATES);
    return s;
  }

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** This process's resident set (VmRSS), or -1 where /proc does not have it. */
  private static long rss() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }
}
