package org.edgefleet.bench.rollout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.edgefleet.bench.Progress;
import org.edgefleet.bench.fleet.ModelBundles;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.Goal;
import org.edgefleet.bench.report.Numbers;
import org.edgefleet.bench.report.Outcome;
import org.edgefleet.server.transfer.BundleBroadcasts;

/**
 * Time to roll a bundle out to N simulated agents until all serve it, against the raw broker
 * moving the same chunk frames to N plain subscribers on the same broker: one topic per device
 * (what a per-device transfer costs at best) and one topic for all (what a broadcast costs at best).
 */
public final class RolloutBenchmark {

  /**
   * @param deviceCounts fleet sizes, one trial each
   * @param bundleBytes approximate size of the bundle rolled out
   * @param agentThreads scheduler threads shared by all agents of a fleet
   * @param timeout bound of every wait in a trial
   */
  public record Settings(List<Integer> deviceCounts, int bundleBytes, int agentThreads, Duration timeout) {}

  public static final String NAME = "rollout";
  static final Goal PER_DEVICE_GOAL = Goal.ratioAtMost(1.0);
  static final Goal BROADCAST_GOAL = Goal.ratioAtMost(1.5);

  private RolloutBenchmark() {}

  public static BenchmarkReport run(Path workDir, Settings settings) throws Exception {
    ModelBundles bundles = ModelBundles.create(workDir.resolve("bundles"));
    Path bundle = bundles.wideBundle(1, settings.bundleBytes());
    long bundleKib = Math.round(Files.size(bundle) / 1024.0);
    Progress.log(NAME, "bundle of " + bundleKib + " KiB packaged");
    List<Outcome> outcomes = new ArrayList<>();
    List<String> rows = new ArrayList<>();
    List<String> stepRows = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    int largestMeasured = 0;
    for (int requested : settings.deviceCounts()) {
      // A fleet size this machine cannot run is reported with its reason, then half of it is tried,
      // so the results hold the largest size that works rather than nothing.
      for (int devices = requested; devices > largestMeasured; devices /= 2) {
        Path dir = workDir.resolve("fleet-" + devices);
        try {
          RolloutTrial.Result r = new RolloutTrial(dir, bundles, bundle, settings).run(devices);
          String measure = "bundle of " + bundleKib + " KiB to " + devices + " devices, until all active";
          outcomes.add(new Outcome(NAME, measure + ", vs raw per-device fan-out", "s", seconds(r.rollout().allActive()),
              seconds(r.baseline()), PER_DEVICE_GOAL));
          if (r.broadcastBaseline().isPresent()) {
            outcomes.add(new Outcome(NAME, measure + ", vs raw broadcast", "s", seconds(r.rollout().allActive()),
                seconds(r.broadcastBaseline().get()), BROADCAST_GOAL));
          } else {
            failures.add(devices + " devices: no raw broadcast baseline, the broker dropped frames in both runs ("
                + r.broadcastBefore().describe() + "; " + r.broadcastAfter().describe() + ")");
          }
          rows.add(row(r));
          stepRows.add(stepRow(r));
          largestMeasured = Math.max(largestMeasured, devices);
          break;
        } catch (Exception e) {
          Progress.log(NAME, devices + " devices failed: " + e);
          failures.add(devices + " devices: " + e);
        } finally {
          RolloutTrial.deleteFleetData(dir);
        }
      }
    }
    return new BenchmarkReport(NAME, "Rollout: bundle to N agents vs raw broker fan-out and raw broadcast", outcomes,
        details(rows, stepRows, settings), failures);
  }

  private static List<String> details(List<String> rows, List<String> stepRows, Settings s) {
    List<String> d = new ArrayList<>();
    d.add("| devices | frames × bytes | raw fan-out before, after | raw broadcast before, after | rollout: all active "
        + "| rollout: server FINISHED | vs fan-out | vs broadcast | chunks broadcast + to single devices (per-device need) "
        + "| bytes published per device |");
    d.add("|---|---|---|---|---|---|---|---|---|---|");
    d.addAll(rows);
    d.add("");
    d.add("Where the agents' time went, from their own update events: median / slowest device per step. The download "
        + "is the transfer (with the broadcast's gather window); verify, install, self-test and activate are the agents' "
        + "own work, all agents sharing this machine's cores.");
    d.add("");
    d.add("| devices | rollout request to download start | download | verify | install | self-test | activate |");
    d.add("|---|---|---|---|---|---|---|");
    d.addAll(stepRows);
    d.add("");
    d.add("Agents share " + s.agentThreads() + " scheduler threads, use the SQLite outbox without a sync per commit, and "
        + "make no predictions. The server runs its defaults (64 KiB chunks; per device 8 in flight, 256 in total; "
        + "a broadcast for 10 devices or more after a 5 s gather window, 16 chunks/s, " + BundleBroadcasts.IN_FLIGHT
        + " unacknowledged). The raw fan-out uses the per-device limits, the raw broadcast the same "
        + BundleBroadcasts.IN_FLIGHT + " unacknowledged without pacing; QoS 1, clean sessions, on the server's embedded broker.");
    return d;
  }

  private static String row(RolloutTrial.Result r) {
    RolloutTrial.RolloutTimes t = r.rollout();
    return "| " + r.devices() + " | " + r.frames() + " × " + Numbers.format(r.frameBytes() / (double) r.frames()) + " | "
        + Numbers.format(seconds(r.rawBefore())) + ", " + Numbers.format(seconds(r.rawAfter())) + " s | "
        + broadcast(r.broadcastBefore()) + ", " + broadcast(r.broadcastAfter()) + " | "
        + Numbers.format(seconds(t.allActive())) + " s | " + Numbers.format(seconds(t.finished())) + " s | "
        + Numbers.ratio(seconds(t.allActive()) / seconds(r.baseline())) + " | "
        + r.broadcastBaseline().map(b -> Numbers.ratio(seconds(t.allActive()) / seconds(b))).orElse("-") + " | "
        + t.broadcastChunks() + " + " + t.chunksSent() + " (" + (long) r.devices() * r.frames() + ") | "
        + Numbers.format(t.bytesPublished() / 1024.0 / r.devices()) + " KiB |";
  }

  private static String broadcast(RawChunkFanout.BroadcastRun run) {
    return run.complete() ? Numbers.format(seconds(run.time())) + " s"
        : "lost " + (run.expected() - run.delivered()) + " of " + run.expected() + " frames";
  }

  private static String stepRow(RolloutTrial.Result r) {
    StringBuilder b = new StringBuilder("| " + r.devices() + " |");
    for (UpdateSteps.Step step : r.rollout().steps()) {
      b.append(' ').append(Numbers.format(seconds(step.median()))).append(" / ").append(Numbers.format(seconds(step.max())))
          .append(" s |");
    }
    return b.toString();
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
