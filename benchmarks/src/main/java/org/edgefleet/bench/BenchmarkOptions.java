package org.edgefleet.bench;

import java.time.Duration;
import java.util.List;
import org.edgefleet.bench.footprint.FootprintBenchmark;
import org.edgefleet.bench.footprint.JvmFlagSet;
import org.edgefleet.bench.predict.PredictBenchmark;
import org.edgefleet.bench.rollout.RolloutBenchmark;
import org.edgefleet.bench.telemetry.TelemetryIngestBenchmark;
import picocli.CommandLine.Option;

/**
 * Each benchmark's sizes as command-line options. An option left out takes the full run's
 * default, or the quick run's with {@code --quick} (a smoke run of seconds that only shows the
 * harness works).
 */
final class BenchmarkOptions {

  private BenchmarkOptions() {}

  private static <T> T pick(T given, boolean quick, T quickValue, T fullValue) {
    return given != null ? given : quick ? quickValue : fullValue;
  }

  static final class Predict {
    @Option(names = "--predict-rounds", description = "Recorded rounds per side (default 400; quick 4)")
    Integer rounds;

    @Option(names = "--predict-calls", description = "Calls per side per round (default 1000; quick 100)")
    Integer calls;

    @Option(names = "--predict-warmup", description = "Unrecorded warm-up rounds (default 20; quick 2)")
    Integer warmup;

    PredictBenchmark.Settings settings(boolean quick) {
      return new PredictBenchmark.Settings(pick(warmup, quick, 2, 20), pick(rounds, quick, 4, 400), pick(calls, quick, 100, 1000));
    }
  }

  static final class Rollout {
    @Option(names = "--devices", split = ",", description = "Fleet sizes, one trial each (default 200,1000; quick 5)")
    List<Integer> devices;

    @Option(names = "--bundle-kib", description = "Approximate bundle size in KiB (default 1024; quick 128)")
    Integer bundleKib;

    @Option(names = "--agent-threads", description = "Scheduler threads shared by all agents (default 4)")
    Integer agentThreads;

    @Option(names = "--rollout-timeout", description = "Bound of each wait in a trial, ISO-8601 (default PT10M; quick PT2M)")
    Duration timeout;

    RolloutBenchmark.Settings settings(boolean quick) {
      return new RolloutBenchmark.Settings(pick(devices, quick, List.of(5), List.of(200, 1000)),
          pick(bundleKib, quick, 128, 1024) * 1024, pick(agentThreads, quick, 4, 4),
          pick(timeout, quick, Duration.ofMinutes(2), Duration.ofMinutes(10)));
    }
  }

  static final class Telemetry {
    @Option(names = "--messages", description = "Telemetry batches in all (default 100000; quick 100)")
    Integer messages;

    @Option(names = "--telemetry-devices", description = "Device clients publishing them (default 100; quick 5)")
    Integer devices;

    @Option(names = "--telemetry-window", description = "Unacknowledged publishes per device (default 32, as the agent's outbox)")
    Integer window;

    TelemetryIngestBenchmark.Settings settings(boolean quick) {
      return new TelemetryIngestBenchmark.Settings(pick(messages, quick, 100, 100_000), pick(devices, quick, 5, 100),
          pick(window, quick, 32, 32), quick ? Duration.ofMinutes(1) : Duration.ofMinutes(10));
    }
  }

  static final class Footprint {
    @Option(names = "--jvm-flags", split = ",",
        description = "JVM flag sets to try: default, small-heap, small, small-no-cds, small-arena2, tiny (default all; quick small)")
    List<String> flagSets;

    @Option(names = "--settle", description = "Idle time before a process is measured, ISO-8601 (default PT5S; quick PT1S)")
    Duration settle;

    FootprintBenchmark.Settings settings(boolean quick) {
      List<JvmFlagSet> sets = flagSets != null ? flagSets.stream().map(JvmFlagSet::named).toList()
          : quick ? List.of(JvmFlagSet.SMALL_JVM) : JvmFlagSet.ALL;
      return new FootprintBenchmark.Settings(sets, pick(settle, quick, Duration.ofSeconds(1), Duration.ofSeconds(5)),
          Duration.ofSeconds(90));
    }
  }
}
