package org.edgefleet.bench.rollout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefleet.bench.Progress;
import org.edgefleet.bench.fleet.ModelBundles;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.Numbers;
import org.edgefleet.bench.report.Outcome;

/**
 * A good model canaried over N simulated agents, stage by stage: how long each stage takes to
 * reach its devices and to be promoted, and what the server spends in CPU and memory on it, against
 * the same agents taking a version all at once in the same run.
 */
public final class CanaryBenchmark {

  /**
   * @param devices simulated agents
   * @param stagePercents the canary's shares, growing to 100
   * @param bake each stage's bake time
   * @param evaluateInterval the server's rollout evaluation interval
   * @param telemetryInterval how often each agent reports telemetry (the gates read it)
   * @param agentThreads scheduler threads shared by all agents, and as many application threads
   * @param timeout bound of every wait
   */
  public record Settings(int devices, List<Double> stagePercents, Duration bake, Duration evaluateInterval,
      Duration telemetryInterval, int agentThreads, Duration timeout) {

    public Settings {
      if (devices < 1) {
        throw new IllegalArgumentException("--canary-devices must be at least 1, got " + devices);
      }
      stagePercents = List.copyOf(stagePercents);
    }
  }

  public static final String NAME = "canary";
  /** Gates a good model passes on a loaded machine: the benchmark is about time and cost, not about gating. */
  static final Map<String, Object> LOOSE_GATES = Map.of("minDevicesReporting", 1, "maxP95Ratio", 3.0, "p95SlackMs", 50.0);

  private static final int POOLS_SHOWN = 5;

  private CanaryBenchmark() {}

  public static BenchmarkReport run(Path workDir, Settings settings) throws Exception {
    ModelBundles bundles = ModelBundles.create(workDir.resolve("bundles"));
    Path dir = workDir.resolve("fleet-" + settings.devices());
    CanaryTrial.Result r;
    try {
      r = new CanaryTrial(dir, bundles, settings).run(settings.devices());
    } finally {
      RolloutTrial.deleteFleetData(dir);
    }
    Progress.log(NAME, "server threads used " + r.cpu().serverThreadsNanos() / 1_000_000 + " ms of CPU");
    double canary = seconds(r.canary());
    double baseline = seconds(r.allAtOnce());
    List<Outcome> outcomes = List.of(new Outcome(NAME, "canary " + stagesText(settings) + " to " + r.devices()
        + " devices vs all-at-once, until FINISHED", "s", canary, baseline, null));
    return new BenchmarkReport(NAME, "Canary: a good model through " + stagesText(settings) + " vs all-at-once", outcomes,
        details(r, settings));
  }

  private static List<String> details(CanaryTrial.Result r, Settings s) {
    List<String> d = new ArrayList<>();
    d.add("| stage | devices in it | stage start to all of them active | stage start to promotion |");
    d.add("|---|---|---|---|");
    for (CanaryTrial.Stage st : r.stages()) {
      d.add("| " + Numbers.format(st.percent()) + " % | " + st.devices() + " | "
          + (st.allActive() == null ? "passed between two polls" : Numbers.format(seconds(st.allActive())) + " s") + " | "
          + Numbers.format(seconds(st.promoted())) + " s |");
    }
    double perThousand = 1000.0 / r.devices();
    double bakes = seconds(s.bake()) * s.stagePercents().size();
    d.add("");
    d.add("| measure | value | per 1,000 devices |");
    d.add("|---|---|---|");
    d.add("| canary total (request to FINISHED) | " + Numbers.format(seconds(r.canary())) + " s | |");
    d.add("| all-at-once total, same devices | " + Numbers.format(seconds(r.allAtOnce())) + " s | |");
    d.add("| staging overhead (canary − all-at-once) | " + Numbers.format(seconds(r.canary()) - seconds(r.allAtOnce()))
        + " s; the bakes alone are " + Numbers.format(bakes) + " s | |");
    d.add("| server threads' CPU during the canary (ThreadMXBean) | " + cpu(r.cpu().serverThreadsNanos()) + " | "
        + cpu(Math.round(r.cpu().serverThreadsNanos() * perThousand)) + " |");
    d.add("| of it, the largest server thread pools | " + pools(r.cpu().byPool()) + " | |");
    d.add("| whole process CPU during the canary, server and agents (OperatingSystemMXBean) | " + cpu(r.cpu().processNanos())
        + " | " + cpu(Math.round(r.cpu().processNanos() * perThousand)) + " |");
    d.add("| heap after GC: server alone → with agents at the end | " + mib(r.heapIdleBytes()) + " → " + mib(r.heapEndBytes())
        + " | " + mib(Math.round((r.heapEndBytes() - r.heapIdleBytes()) * perThousand)) + " added |");
    d.add("| RSS: server alone → with agents at the end | " + mib(r.rssIdleBytes()) + " → " + mib(r.rssEndBytes()) + " | "
        + mib(Math.round((r.rssEndBytes() - r.rssIdleBytes()) * perThousand)) + " added |");
    d.add("");
    d.add("Bake " + s.bake().toSeconds() + " s per stage, gates " + LOOSE_GATES + ", the server's rollout evaluation every "
        + s.evaluateInterval().toMillis() + " ms, agents reporting telemetry every " + s.telemetryInterval().toSeconds()
        + " s and predicting once a second. The agents run in the server's JVM: server CPU is that of its threads "
        + "(the agents' are told apart by name); heap and RSS are of the whole process, the growth from the server "
        + "alone is mostly the agents'. Each stage's start is when this poll (every 50 ms) first saw it, so a stage can read a little under its bake.");
    return d;
  }

  private static String pools(Map<String, Long> byPool) {
    List<String> parts = new ArrayList<>();
    byPool.entrySet().stream().limit(POOLS_SHOWN).forEach(e -> parts.add("`" + e.getKey() + "` " + cpu(e.getValue())));
    return String.join(", ", parts);
  }

  private static String stagesText(Settings s) {
    List<String> parts = new ArrayList<>();
    for (double p : s.stagePercents()) {
      parts.add(Numbers.format(p) + " %");
    }
    return String.join(" → ", parts);
  }

  private static String cpu(long nanos) {
    return Numbers.format(nanos / 1e9) + " s";
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "n/a" : Numbers.format(Numbers.mib(bytes)) + " MiB";
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
