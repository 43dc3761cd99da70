package org.edgefleet.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.edgefleet.bench.coap.CoapTransferBenchmark;
import org.edgefleet.bench.connected.ConnectedFleetBenchmark;
import org.edgefleet.bench.footprint.FootprintBenchmark;
import org.edgefleet.bench.localapi.LocalApiBenchmark;
import org.edgefleet.bench.predict.PredictBenchmark;
import org.edgefleet.bench.predict.ShadowBenchmark;
import org.edgefleet.bench.published.PublishedModelsBenchmark;
import org.edgefleet.bench.quantize.QuantizeBenchmark;
import org.edgefleet.bench.rollout.CanaryBenchmark;
import org.edgefleet.bench.rollout.RolloutBenchmark;
import org.edgefleet.bench.scaleout.ScaleOutBenchmark;
import org.edgefleet.bench.telemetry.TelemetryIngestBenchmark;
import org.edgefleet.protocol.config.DurationText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code java -jar benchmarks.jar all} runs every benchmark; a subcommand runs one. Each reports
 * EdgeFleet's figures against a baseline measured in the same run (see docs/benchmarks.md).
 */
@Command(name = "benchmarks", mixinStandardHelpOptions = true, version = "EdgeFleet benchmarks 0.1.0",
    description = "Measures EdgeFleet against baselines taken in the same run, because the machines are shared and noisy.",
    subcommands = {BenchmarksCli.All.class, BenchmarksCli.Predict.class, BenchmarksCli.Shadow.class, BenchmarksCli.Rollout.class, BenchmarksCli.Canary.class,
        BenchmarksCli.Telemetry.class, BenchmarksCli.Footprint.class, BenchmarksCli.Quantize.class,
        BenchmarksCli.Published.class, BenchmarksCli.LocalApi.class, BenchmarksCli.ScaleOut.class, BenchmarksCli.Coap.class,
        BenchmarksCli.Connected.class})
public final class BenchmarksCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    quietLogging();
    System.exit(commandLine().execute(args));
  }

  // At info, the embedded broker logs every packet it handles (Moquette's MQTTMessageLogger), which
  // would be part of what is measured. slf4j-simple reads these once; flags on the command line win.
  private static void quietLogging() {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
  }

  /** The command, reading durations in the project's one syntax (30s, 5m) instead of picocli's ISO-8601. */
  static CommandLine commandLine() {
    return new CommandLine(new BenchmarksCli()).registerConverter(Duration.class, DurationText::parse);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "all", mixinStandardHelpOptions = true,
      description = "Runs predict, rollout, telemetry and footprint (about 8 minutes on 2 cores; under a minute with --quick).")
  static final class All extends BenchmarkRun {
    @Mixin BenchmarkOptions.Predict predict;
    @Mixin BenchmarkOptions.Rollout rollout;
    @Mixin BenchmarkOptions.Telemetry telemetry;
    @Mixin BenchmarkOptions.Footprint footprint;

    @Override
    List<Named> benchmarks() {
      return List.of(
          new Named(PredictBenchmark.NAME, dir -> PredictBenchmark.run(dir, predict.settings(quick()))),
          new Named(RolloutBenchmark.NAME, dir -> RolloutBenchmark.run(dir, rollout.settings(quick()))),
          new Named(TelemetryIngestBenchmark.NAME, dir -> TelemetryIngestBenchmark.run(dir, telemetry.settings(quick()))),
          new Named(FootprintBenchmark.NAME, dir -> FootprintBenchmark.run(dir, footprint.settings(quick()))));
    }
  }

  @Command(name = "predict", mixinStandardHelpOptions = true,
      description = "Agent predict p50/p99 vs raw ONNX Runtime run, same model and inputs.")
  static final class Predict extends BenchmarkRun {
    @Mixin BenchmarkOptions.Predict options;

    @Override
    List<Named> benchmarks() {
      return List.of(new Named(PredictBenchmark.NAME, dir -> PredictBenchmark.run(dir, options.settings(quick()))));
    }
  }

  @Command(name = "shadow", mixinStandardHelpOptions = true,
      description = "Agent predict p50 with a shadow version running beside the active one vs without.")
  static final class Shadow extends BenchmarkRun {
    @Mixin BenchmarkOptions.Predict options;

    @Override
    List<Named> benchmarks() {
      return List.of(new Named(ShadowBenchmark.NAME, dir -> ShadowBenchmark.run(dir, options.settings(quick()))));
    }
  }

  @Command(name = "rollout", mixinStandardHelpOptions = true,
      description = "Rollout of a bundle to N simulated agents vs raw broker fan-out of the same bytes.")
  static final class Rollout extends BenchmarkRun {
    @Mixin BenchmarkOptions.Rollout options;

    @Override
    List<Named> benchmarks() {
      return List.of(new Named(RolloutBenchmark.NAME, dir -> RolloutBenchmark.run(dir, options.settings(quick()))));
    }
  }

  @Command(name = CanaryBenchmark.NAME, mixinStandardHelpOptions = true,
      description = "A good model canaried 1 %% -> 10 %% -> 50 %% -> 100 %% over N simulated agents vs all-at-once: time per stage, "
          + "server CPU and memory (not part of all).")
  static final class Canary extends BenchmarkRun {
    @Mixin BenchmarkOptions.Canary options;

    @Override
    List<Named> benchmarks() {
      return List.of(new Named(CanaryBenchmark.NAME, dir -> CanaryBenchmark.run(dir, options.settings(quick()))));
    }
  }

  @Command(name = "telemetry", mixinStandardHelpOptions = true,
      description = "Telemetry ingest via MQTT into SQLite vs a raw batched insert of the same rows.")
  static final class Telemetry extends BenchmarkRun {
    @Mixin BenchmarkOptions.Telemetry options;

    @Override
    List<Named> benchmarks() {
      return List.of(new Named(TelemetryIngestBenchmark.NAME,
          dir -> TelemetryIngestBenchmark.run(dir, options.settings(quick()))));
    }
  }

  @Command(name = ScaleOutBenchmark.NAME, mixinStandardHelpOptions = true,
      description = "Telemetry ingest and rollout time with 1 and 2 server instances on one external broker and one PostgreSQL "
          + "(not part of all: give it the broker and the database).")
  static final class ScaleOut extends BenchmarkRun {
    @Mixin BenchmarkOptions.ScaleOut options;

    @Override
    List<Named> benchmarks() {
      return List.of(new Named(ScaleOutBenchmark.NAME, dir -> ScaleOutBenchmark.run(dir, options.settings(quick()))));
    }
  }

  @Command(name = ConnectedFleetBenchmark.NAME, mixinStandardHelpOptions = true,
      description = "Thousands of simulated agents connected to one server process: its CPU and memory per 1,000 devices, "
          + "and the telemetry ingest lag sustained at the largest size (not part of all; 10,000 devices need raised "
          + "kernel limits, which it checks first).")
  static final class Connected extends BenchmarkRun {
    @Mixin BenchmarkOptions.Connected options;

    @Override
    List<Named> benchmarks() {
      return List.of(new Named(ConnectedFleetBenchmark.NAME, dir -> ConnectedFleetBenchmark.run(dir, options.settings(quick()))));
    }
  }

  @Command(name = "footprint", mixinStandardHelpOptions = true,
      description = "RSS and heap of one agent process with ONNX Runtime and the sample model.")
  static final class Footprint extends BenchmarkRun {
    @Mixin BenchmarkOptions.Footprint options;

    @Override
    List<Named> benchmarks() {
      return List.of(new Named(FootprintBenchmark.NAME, dir -> FootprintBenchmark.run(dir, options.settings(quick()))));
    }
  }

  @Command(name = "quantize", mixinStandardHelpOptions = true,
      description = "int8 models from the packager's quantizer vs their float originals: sizes, agreement, latency.")
  static final class Quantize extends BenchmarkRun {
    @Mixin BenchmarkOptions.Quantize options;

    @Override
    List<Named> benchmarks() {
      return List.of(new Named(QuantizeBenchmark.NAME, dir -> QuantizeBenchmark.run(dir, options.settings(quick()))));
    }
  }

  @Command(name = PublishedModelsBenchmark.NAME, mixinStandardHelpOptions = true,
      description = "Agent predict vs the bare runtime on published models (a CNN in ONNX Runtime and TFLite, a small head in TFLite).")
  static final class Published extends BenchmarkRun {
    @Mixin BenchmarkOptions.Published options;

    @Override
    List<Named> benchmarks() {
      return List.of(new Named(PublishedModelsBenchmark.NAME, dir -> PublishedModelsBenchmark.run(dir, options.settings(quick()))));
    }
  }

  @Command(name = "local-api", mixinStandardHelpOptions = true,
      description = "The local endpoint's added latency over in-process predict: 1 KiB and 1 MiB, TCP and Unix socket.")
  static final class LocalApi extends BenchmarkRun {
    @Mixin BenchmarkOptions.LocalApi options;

    @Override
    List<Named> benchmarks() {
      return List.of(new Named(LocalApiBenchmark.NAME, dir -> LocalApiBenchmark.run(dir, options.settings(quick()))));
    }
  }

  @Command(name = "coap", mixinStandardHelpOptions = true,
      description = "Bundle transfer over CoAP as an agent fetches it vs raw Californium block-wise GET, on loopback and with loss.")
  static final class Coap extends BenchmarkRun {
    @Mixin BenchmarkOptions.Coap options;

    @Override
    List<Named> benchmarks() {
      return List.of(new Named(CoapTransferBenchmark.NAME, dir -> CoapTransferBenchmark.run(dir, options.settings(quick()))));
    }
  }

  /** Runs a benchmark in its own directory under the run's work directory. */
  @FunctionalInterface
  interface Benchmark {
    org.edgefleet.bench.report.BenchmarkReport run(Path workDir) throws Exception;
  }

  /** A benchmark and its name, which also names its directory. */
  record Named(String name, Benchmark benchmark) {}
}
