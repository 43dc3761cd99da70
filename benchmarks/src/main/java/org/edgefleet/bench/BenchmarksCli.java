package org.edgefleet.bench;

import java.nio.file.Path;
import java.util.List;
import org.edgefleet.bench.footprint.FootprintBenchmark;
import org.edgefleet.bench.predict.PredictBenchmark;
import org.edgefleet.bench.rollout.RolloutBenchmark;
import org.edgefleet.bench.telemetry.TelemetryIngestBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code java -jar benchmarks.jar all} runs every benchmark; a subcommand runs one. Each reports
 * EdgeFleet's figures against a baseline measured in the same run (see docs/benchmarks.md).
 */
@Command(name = "benchmarks", mixinStandardHelpOptions = true, version = "EdgeFleet benchmarks 0.1.0",
    description = "Measures EdgeFleet against baselines taken in the same run, because the machines are shared and noisy.",
    subcommands = {BenchmarksCli.All.class, BenchmarksCli.Predict.class, BenchmarksCli.Rollout.class,
        BenchmarksCli.Telemetry.class, BenchmarksCli.Footprint.class})
public final class BenchmarksCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // A thousand agents log a line each at info; progress goes to stderr instead.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(new CommandLine(new BenchmarksCli()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "all", description = "Runs predict, rollout, telemetry and footprint (about 15 minutes; seconds with --quick).")
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

  @Command(name = "predict", description = "Agent predict p50/p99 vs raw ONNX Runtime run, same model and inputs.")
  static final class Predict extends BenchmarkRun {
    @Mixin BenchmarkOptions.Predict options;

    @Override
    List<Named> benchmarks() {
      return List.of(new Named(PredictBenchmark.NAME, dir -> PredictBenchmark.run(dir, options.settings(quick()))));
    }
  }

  @Command(name = "rollout", description = "Rollout of a bundle to N simulated agents vs raw broker fan-out of the same bytes.")
  static final class Rollout extends BenchmarkRun {
    @Mixin BenchmarkOptions.Rollout options;

    @Override
    List<Named> benchmarks() {
      return List.of(new Named(RolloutBenchmark.NAME, dir -> RolloutBenchmark.run(dir, options.settings(quick()))));
    }
  }

  @Command(name = "telemetry", description = "Telemetry ingest via MQTT into SQLite vs a raw batched insert of the same rows.")
  static final class Telemetry extends BenchmarkRun {
    @Mixin BenchmarkOptions.Telemetry options;

    @Override
    List<Named> benchmarks() {
      return List.of(new Named(TelemetryIngestBenchmark.NAME, dir -> TelemetryIngestBenchmark.run(dir, options.settings(quick()))));
    }
  }

  @Command(name = "footprint", description = "RSS and heap of one agent process with ONNX Runtime and the sample model.")
  static final class Footprint extends BenchmarkRun {
    @Mixin BenchmarkOptions.Footprint options;

    @Override
    List<Named> benchmarks() {
      return List.of(new Named(FootprintBenchmark.NAME, dir -> FootprintBenchmark.run(dir, options.settings(quick()))));
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
