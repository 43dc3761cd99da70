package org.edgefleet.bench.connected;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefleet.bench.Poll;
import org.edgefleet.bench.Progress;
import org.edgefleet.bench.fleet.ServerProcess;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.Goal;
import org.edgefleet.bench.report.Numbers;
import org.edgefleet.bench.report.Outcome;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;

/**
 * Many devices connected to one server: the server in a process of its own (embedded broker,
 * SQLite, defaults but {@code --max-devices}), real agents in simulator processes added in steps
 * (at most {@link #DEVICES_PER_PROCESS} per process), each sending telemetry every interval. At every step the server's CPU and resident memory over a
 * window, against the same server idle before any device connected; at the largest step the
 * telemetry ingest lag over a sustained window, from the server's own histogram.
 */
public final class ConnectedFleetBenchmark {

  /**
   * @param steps fleet sizes in increasing order; devices are added, never replaced
   * @param telemetryInterval how often every agent sends a telemetry batch
   * @param window how long the server's CPU is read at each step (after {@code settle})
   * @param settle time after a step's devices are all known before the window starts
   * @param sustain how long the largest fleet runs for the ingest lag
   * @param agentThreads scheduler threads the agents of one simulator process share
   * @param timeout bound of every wait
   */
  public record Settings(List<Integer> steps, Duration telemetryInterval, Duration window, Duration settle,
      Duration sustain, int agentThreads, Duration timeout) {}

  /** One step: what the server used with {@code devices} connected, over {@code window}. */
  private record Step(int devices, Duration connect, double cores, long rssBytes, int threads, double batchesPerSecond) {}

  public static final String NAME = "connected";
  static final Goal LAG_GOAL = Goal.valueAtMost(2.0);
  /** Agents per simulator process, within an open-files limit of 20,000 (HostLimits.FILES_PER_DEVICE each). */
  static final int DEVICES_PER_PROCESS = 2_500;
  private static final Duration STALL = Duration.ofSeconds(60);
  private static final double MIB = 1024 * 1024;

  private ConnectedFleetBenchmark() {}

  public static BenchmarkReport run(Path workDir, Settings s) throws Exception {
    int largest = s.steps().get(s.steps().size() - 1);
    HostLimits.require(Math.min(largest, DEVICES_PER_PROCESS), largest);
    List<SimulatorProcess> fleets = new ArrayList<>();
    List<Step> steps = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    List<Outcome> outcomes = new ArrayList<>();
    IngestLag lag = null;
    long sustainedExpected = 0;
    try (ServerProcess server = ServerProcess.start(workDir, List.of(),
        List.of("--max-devices", Integer.toString(largest + 1000)))) {
      Path serverKey = workDir.resolve("server.pub.json");
      server.serverKey(serverKey);
      // Devices need a packager key to trust; no bundle is rolled out, so any key does.
      Path packagerKey = workDir.resolve("packager.pub.json");
      KeyFiles.writePublic(packagerKey, SigningKey.generate(KeyRole.PACKAGER).publicKey());
      Step idle = measure(server, fleets, 0, Duration.ZERO, s);
      Progress.log(NAME, "idle server: " + describe(idle));
      int connected = 0;
      try {
        for (int target : s.steps()) {
          long start = System.nanoTime();
          while (connected < target) {
            int n = Math.min(DEVICES_PER_PROCESS, target - connected);
            fleets.add(SimulatorProcess.start(workDir.resolve("fleet-" + fleets.size()), "c" + fleets.size(), n,
                server.mqttUrl(), serverKey, packagerKey, s.telemetryInterval(), s.agentThreads()));
            connected += n;
          }
          awaitOnline(server, fleets, connected, s.timeout());
          Step step = measure(server, fleets, connected, Duration.ofNanos(System.nanoTime() - start), s);
          steps.add(step);
          Progress.log(NAME, describe(step));
        }
        Map<String, Double> before = server.api().scrape();
        Progress.log(NAME, connected + " devices: sustained telemetry for " + s.sustain().toSeconds() + " s");
        Thread.sleep(s.sustain().toMillis());
        Map<String, Double> after = server.api().scrape();
        lag = IngestLag.between(before, after);
        sustainedExpected = connected * (s.sustain().toMillis() / s.telemetryInterval().toMillis());
        long stillOnline = (long) server.api().prometheus("fleet_devices_online");
        if (stillOnline < connected) {
          failures.add((connected - stillOnline) + " of " + connected + " devices were not online at the end");
        }
        outcomes.add(new Outcome(NAME, "telemetry ingest lag p99 (bucket bound), " + connected + " devices every "
            + s.telemetryInterval().toSeconds() + " s for " + s.sustain().toSeconds() + " s; baseline: the interval", "s",
            lag.p99AtMost(), s.telemetryInterval().toMillis() / 1000.0, LAG_GOAL));
        Step top = steps.get(steps.size() - 1);
        outcomes.add(new Outcome(NAME, "server CPU with " + connected + " devices vs idle", "cores", top.cores(), idle.cores(),
            null));
        outcomes.add(new Outcome(NAME, "server RSS with " + connected + " devices vs idle", "MiB", top.rssBytes() / MIB,
            idle.rssBytes() / MIB, null));
      } catch (Exception e) {
        Progress.log(NAME, "stopped at " + connected + " devices: " + e);
        failures.add("at " + connected + " devices: " + e);
      }
      return new BenchmarkReport(NAME, "Connected fleet: server CPU and memory per 1,000 devices, sustained telemetry lag",
          outcomes, details(idle, steps, lag, sustainedExpected, s), failures);
    } finally {
      fleets.forEach(SimulatorProcess::close);
    }
  }

  private static void awaitOnline(ServerProcess server, List<SimulatorProcess> fleets, int devices, Duration timeout)
      throws Exception {
    Poll.untilReached("the server to count " + devices + " devices online", devices, timeout, STALL, Duration.ofSeconds(1),
        () -> {
          for (SimulatorProcess f : fleets) {
            f.requireAlive();
          }
          return (long) server.api().prometheus("fleet_devices_online");
        });
  }

  /** Waits {@code settle}, then reads the server's CPU time and telemetry count over {@code window}. */
  private static Step measure(ServerProcess server, List<SimulatorProcess> fleets, int devices, Duration connect, Settings s)
      throws Exception {
    Thread.sleep(s.settle().toMillis());
    for (SimulatorProcess f : fleets) {
      f.requireAlive();
    }
    String telemetry = "fleet_device_messages_total{kind=\"telemetry\"}";
    double batches0 = server.api().scrape().getOrDefault(telemetry, 0.0);
    ServerProcess.Usage u0 = server.usage();
    long t0 = System.nanoTime();
    Thread.sleep(s.window().toMillis());
    ServerProcess.Usage u1 = server.usage();
    double seconds = (System.nanoTime() - t0) / 1e9;
    double batches1 = server.api().scrape().getOrDefault(telemetry, 0.0);
    return new Step(devices, connect, (u1.cpuNanos() - u0.cpuNanos()) / 1e9 / seconds, u1.rssBytes(), u1.threads(),
        (batches1 - batches0) / seconds);
  }

  private static String describe(Step st) {
    return st.devices() + " devices: server " + Numbers.format(st.cores()) + " cores, " + Numbers.format(st.rssBytes() / MIB)
        + " MiB RSS, " + st.threads() + " threads, " + Numbers.format(st.batchesPerSecond()) + " telemetry batches/s";
  }

  private static List<String> details(Step idle, List<Step> steps, IngestLag lag, long expected, Settings s) {
    List<String> d = new ArrayList<>();
    d.add("| devices | connect and known | server CPU (cores) | per 1,000 devices | server RSS | per 1,000 devices "
        + "| server threads | telemetry batches/s |");
    d.add("|---|---|---|---|---|---|---|---|");
    d.add("| 0 (idle) | | " + Numbers.format(idle.cores()) + " | | " + Numbers.format(idle.rssBytes() / MIB) + " MiB | | "
        + idle.threads() + " | " + Numbers.format(idle.batchesPerSecond()) + " |");
    for (Step st : steps) {
      double per1000 = 1000.0 / st.devices();
      d.add("| " + st.devices() + " | " + Numbers.format(st.connect().toMillis() / 1000.0) + " s | " + Numbers.format(st.cores())
          + " | " + Numbers.format((st.cores() - idle.cores()) * per1000) + " | " + Numbers.format(st.rssBytes() / MIB)
          + " MiB | " + Numbers.format((st.rssBytes() - idle.rssBytes()) / MIB * per1000) + " MiB | " + st.threads() + " | "
          + Numbers.format(st.batchesPerSecond()) + " |");
    }
    if (lag != null) {
      d.add("");
      d.add("Sustained: " + lag.stored() + " batches stored in " + s.sustain().toSeconds() + " s (" + expected
          + " sent at the interval); ingest lag p50 at most " + Numbers.format(lag.p50AtMost()) + " s, p99 at most "
          + Numbers.format(lag.p99AtMost()) + " s; " + Numbers.format(lag.shareWithin2s() * 100) + " % within 2 s.");
    }
    d.add("");
    d.add("CPU over " + s.window().toSeconds() + " s windows after " + s.settle().toSeconds() + " s settling, from /proc/PID/stat "
        + "of the server's own process; agents idle (no model, no predictions) in simulator processes of at most "
        + DEVICES_PER_PROCESS + ", each with its own SQLite outbox, telemetry every " + s.telemetryInterval().toSeconds()
        + " s, " + s.agentThreads() + " scheduler threads per simulator process.");
    return d;
  }
}
