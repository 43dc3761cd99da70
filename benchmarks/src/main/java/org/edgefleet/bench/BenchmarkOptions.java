package org.edgefleet.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.edgefleet.bench.coap.CoapTransferBenchmark;
import org.edgefleet.bench.connected.ConnectedFleetBenchmark;
import org.edgefleet.bench.footprint.FootprintBenchmark;
import org.edgefleet.bench.footprint.JvmFlagSet;
import org.edgefleet.bench.localapi.LocalApiBenchmark;
import org.edgefleet.bench.predict.PredictBenchmark;
import org.edgefleet.bench.published.PublishedModelsBenchmark;
import org.edgefleet.bench.quantize.QuantizeBenchmark;
import org.edgefleet.bench.rollout.CanaryBenchmark;
import org.edgefleet.bench.rollout.RolloutBenchmark;
import org.edgefleet.bench.scaleout.ScaleOutBenchmark;
import org.edgefleet.bench.telemetry.TelemetryIngestBenchmark;
import picocli.CommandLine.Mixin;
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
      return new PredictBenchmark.Settings(pick(warmup, quick, 2, 20), pick(rounds, quick, 4, 400),
          pick(calls, quick, 100, 1000));
    }
  }

  static final class Rollout {
    @Option(names = "--devices", split = ",", description = "Fleet sizes, one trial each (default 200,1000; quick 5)")
    List<Integer> devices;

    @Option(names = "--bundle-kib", description = "Approximate bundle size in KiB (default 1024; quick 128)")
    Integer bundleKib;

    @Option(names = "--agent-threads", description = "Scheduler threads shared by all agents (default 4)")
    Integer agentThreads;

    @Option(names = "--rollout-timeout", description = "Bound of each wait in a trial, e.g. 10m (default 10m; quick 2m)")
    Duration timeout;

    RolloutBenchmark.Settings settings(boolean quick) {
      return new RolloutBenchmark.Settings(pick(devices, quick, List.of(5), List.of(200, 1000)),
          pick(bundleKib, quick, 128, 1024) * 1024, pick(agentThreads, quick, 4, 4),
          pick(timeout, quick, Duration.ofMinutes(2), Duration.ofMinutes(10)));
    }
  }

  static final class Canary {
    @Option(names = "--canary-devices", description = "Simulated agents (default 1000; quick 10)")
    Integer devices;

    @Option(names = "--canary-bake", description = "Bake time of each stage, e.g. 5s (default 5s; quick 1s)")
    Duration bake;

    @Option(names = "--canary-agent-threads", description = "Scheduler threads shared by all agents (default 4)")
    Integer agentThreads;

    @Option(names = "--canary-timeout", description = "Bound of each wait, e.g. 10m (default 10m; quick 2m)")
    Duration timeout;

    CanaryBenchmark.Settings settings(boolean quick) {
      return new CanaryBenchmark.Settings(pick(devices, quick, 10, 1000), List.of(1.0, 10.0, 50.0, 100.0),
          pick(bake, quick, Duration.ofSeconds(1), Duration.ofSeconds(5)), Duration.ofMillis(500), Duration.ofSeconds(2),
          pick(agentThreads, quick, 4, 4), pick(timeout, quick, Duration.ofMinutes(2), Duration.ofMinutes(10)));
    }
  }

  static final class Telemetry {
    @Option(names = "--messages", description = "Telemetry batches in all (default 100000; quick 100)")
    Integer messages;

    @Option(names = "--telemetry-devices", description = "Device clients publishing them (default 100; quick 5)")
    Integer devices;

    // The agent's outbox drains 32 at a time, but 100 clients with 8 each overflow the embedded broker's
    // session queues, which then drop publishes, and 4 each did once in four runs (docs/benchmarks.md).
    @Option(names = "--telemetry-window", description = "Unacknowledged publishes per device (default 2)")
    Integer window;

    TelemetryIngestBenchmark.Settings settings(boolean quick) {
      return new TelemetryIngestBenchmark.Settings(pick(messages, quick, 100, 100_000), pick(devices, quick, 5, 100),
          pick(window, quick, 2, 2), quick ? Duration.ofMinutes(1) : Duration.ofMinutes(10));
    }
  }

  static final class Connected {
    @Option(names = "--connected-steps", split = ",",
        description = "Fleet sizes, devices added step by step (default 2500,5000,7500,10000; quick 10,20)")
    List<Integer> steps;

    @Option(names = "--connected-interval", description = "Telemetry interval of every agent (default 10s; quick 2s)")
    Duration interval;

    @Option(names = "--connected-window", description = "CPU measuring window at each step (default 30s; quick 3s)")
    Duration window;

    @Option(names = "--connected-sustain", description = "Sustained telemetry at the largest step (default 10m; quick 10s)")
    Duration sustain;

    @Option(names = "--connected-agent-threads", description = "Scheduler threads the agents of one simulator process share (default 16)")
    Integer agentThreads;

    ConnectedFleetBenchmark.Settings settings(boolean quick) {
      List<Integer> sizes = pick(steps, quick, List.of(10, 20), List.of(2500, 5000, 7500, 10_000));
      for (int i = 1; i < sizes.size(); i++) {
        if (sizes.get(i) <= sizes.get(i - 1)) {
          throw new IllegalArgumentException("--connected-steps must grow, step after step: " + sizes);
        }
      }
      return new ConnectedFleetBenchmark.Settings(sizes, pick(interval, quick, Duration.ofSeconds(2), Duration.ofSeconds(10)),
          pick(window, quick, Duration.ofSeconds(3), Duration.ofSeconds(30)), quick ? Duration.ofSeconds(2) : Duration.ofSeconds(10),
          pick(sustain, quick, Duration.ofSeconds(10), Duration.ofMinutes(10)), pick(agentThreads, quick, 4, 16),
          quick ? Duration.ofMinutes(2) : Duration.ofMinutes(10));
    }
  }

  static final class ScaleOut {
    @Option(names = "--broker-url", required = true, description = "External broker with shared subscriptions, e.g. tcp://127.0.0.1:1883")
    String brokerUrl;

    @Option(names = "--database-url", required = true,
        description = "PostgreSQL database to CREATE DATABASE from, e.g. jdbc:postgresql://127.0.0.1:5432/postgres")
    String databaseUrl;

    @Option(names = "--database-username", description = "PostgreSQL user (default fleet)")
    String databaseUser = "fleet";

    @Option(names = "--scale-messages", description = "Telemetry batches per trial (default 20000; quick 200)")
    Integer messages;

    @Option(names = "--scale-devices", description = "Simulated agents the rollout goes to (default 50; quick 5)")
    Integer devices;

    ScaleOutBenchmark.Options settings(boolean quick) {
      return new ScaleOutBenchmark.Options(brokerUrl, databaseUrl, databaseUser, System.getenv("FLEET_DATABASE_PASSWORD"),
          pick(messages, quick, 200, 20_000), quick ? 5 : 50, 8, pick(devices, quick, 5, 50),
          quick ? Duration.ofMinutes(1) : Duration.ofMinutes(3));
    }
  }

  static final class Footprint {
    @Option(names = "--jvm-flags", split = ",",
        description = "JVM flag sets to try: default, small-heap, small, small-no-cds, small-arena2, tiny "
            + "(default all; quick small)")
    List<String> flagSets;

    @Option(names = "--settle", description = "Idle time before a process is measured, e.g. 5s (default 5s; quick 1s)")
    Duration settle;

    FootprintBenchmark.Settings settings(boolean quick) {
      List<JvmFlagSet> sets = flagSets != null ? flagSets.stream().map(JvmFlagSet::named).toList()
          : quick ? List.of(JvmFlagSet.SMALL_JVM) : JvmFlagSet.ALL;
      return new FootprintBenchmark.Settings(sets, pick(settle, quick, Duration.ofSeconds(1), Duration.ofSeconds(5)),
          Duration.ofSeconds(90));
    }
  }

  static final class LocalApi {
    @Option(names = "--local-api-rounds", description = "Recorded rounds per side and case (default 20; quick 2)")
    Integer rounds;

    @Option(names = "--local-api-small-calls", description = "1 KiB calls per side per round (default 250; quick 20)")
    Integer smallCalls;

    @Option(names = "--local-api-large-calls", description = "1 MiB calls per side per round (default 5; quick 1)")
    Integer largeCalls;

    @Option(names = "--local-api-warmup", description = "Unrecorded warm-up rounds (default 12; quick 1)")
    Integer warmup;

    LocalApiBenchmark.Settings settings(boolean quick) {
      return new LocalApiBenchmark.Settings(pick(warmup, quick, 1, 12), pick(rounds, quick, 2, 20),
          pick(smallCalls, quick, 20, 250), pick(largeCalls, quick, 1, 5));
    }
  }

  static final class Coap {
    @Option(names = "--coap-bundle-bytes", description = "Size of the bundle transferred (default 1048576; quick 131072)")
    Integer bundleBytes;

    @Option(names = "--coap-rounds", description = "Recorded transfers per side and link (default 5; quick 1)")
    Integer rounds;

    @Option(names = "--coap-loss", description = "Share of datagrams dropped each way in the lossy runs (default 0.05)")
    Double loss;

    CoapTransferBenchmark.Settings settings(boolean quick) {
      return new CoapTransferBenchmark.Settings(pick(bundleBytes, quick, 128 * 1024, 1024 * 1024), pick(rounds, quick, 1, 5),
          pick(loss, quick, 0.05, 0.05));
    }
  }

  static final class Quantize {
    @Mixin Models models;

    @Option(names = "--quantize-rounds", description = "Recorded latency rounds per model (default 40; quick 4)")
    Integer rounds;

    @Option(names = "--quantize-calls", description = "Calls per model per round (default 500; quick 50)")
    Integer calls;

    @Option(names = "--quantize-warmup", description = "Unrecorded warm-up rounds (default 10; quick 2)")
    Integer warmup;

    QuantizeBenchmark.Settings settings(boolean quick) {
      return new QuantizeBenchmark.Settings(models.dir(), pick(warmup, quick, 2, 10), pick(rounds, quick, 4, 40),
          pick(calls, quick, 50, 500));
    }
  }

  /** Where the published models are: test-models/fetch.sh fills the folder. */
  static final class Models {
    static final String DEFAULT_DIR = "benchmarks/target/published-models";

    @Option(names = "--models", paramLabel = "DIR",
        description = "Folder with the published models (default " + DEFAULT_DIR + "; fill it with: bash test-models/fetch.sh DIR)")
    Path dir;

    Path dir() {
      return dir != null ? dir : Path.of(DEFAULT_DIR);
    }
  }

  static final class Published {
    @Mixin Models models;

    @Option(names = "--published-rounds", description = "Recorded rounds per side and model (default 40; quick 4)")
    Integer rounds;

    @Option(names = "--published-calls", description = "Calls per side per round (default 200; quick 20)")
    Integer calls;

    @Option(names = "--published-warmup", description = "Unrecorded warm-up rounds (default 5; quick 1)")
    Integer warmup;

    PublishedModelsBenchmark.Settings settings(boolean quick) {
      return new PublishedModelsBenchmark.Settings(models.dir(), pick(warmup, quick, 1, 5), pick(rounds, quick, 4, 40),
          pick(calls, quick, 20, 200));
    }
  }
}
