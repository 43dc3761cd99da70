package org.edgefleet.bench.predict;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.metrics.InputDrift;
import org.edgefleet.agent.linux.SqliteOutbox;
import org.edgefleet.agent.transport.MqttOptions;
import org.edgefleet.agent.transport.MqttTransportFactory;
import org.edgefleet.bench.Poll;
import org.edgefleet.bench.Progress;
import org.edgefleet.bench.fleet.BenchServer;
import org.edgefleet.bench.fleet.ModelBundles;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.Goal;
import org.edgefleet.bench.report.Numbers;
import org.edgefleet.bench.report.Outcome;
import org.edgefleet.packager.sample.MotorDataGenerator;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * The agent's {@code predict} against ONNX Runtime's own {@code run}, on the same model and the
 * same inputs in one JVM. The agent gets its model the way a device does, through a rollout from a
 * real fleet server; the baseline loads the same ONNX file the bundle carries.
 */
public final class PredictBenchmark {

  /**
   * @param warmupRounds rounds run first and not recorded, so both sides are compiled
   * @param rounds recorded rounds; each side runs {@code callsPerRound} calls per round
   */
  public record Settings(int warmupRounds, int rounds, int callsPerRound) {}

  public static final String NAME = "predict";
  static final Goal GOAL = Goal.ratioAtMost(1.05);
  /** Binning live inputs for drift may take at most 5 % of a run, so it fits inside the predict goal. */
  static final Goal BINNING_GOAL = Goal.ratioAtMost(0.05);
  private static final String DEVICE = "predict-bench";
  private static final int INPUT_ROWS = 1024;
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private PredictBenchmark() {}

  public static BenchmarkReport run(Path workDir, Settings settings) throws Exception {
    ModelBundles bundles = ModelBundles.create(workDir.resolve("bundles"));
    float[][] inputs = MotorDataGenerator.create().dataset(INPUT_ROWS, 11).features();
    try (BenchServer server = BenchServer.start(workDir.resolve("server"), bundles.packagerKey());
         EdgeAgent agent = installedAgent(workDir, server, bundles, NAME);
         RawOrtRunner raw = RawOrtRunner.open(bundles.sampleModelFile(), ModelBundles.INPUT)) {
      Progress.log(NAME, "timing " + settings.rounds() + " interleaved rounds of " + settings.callsPerRound() + " calls each");
      InterleavedRounds.Latencies l = new InterleavedRounds(settings.warmupRounds(), settings.rounds(), settings.callsPerRound())
          .run(i -> agent.predict(ModelBundles.MODEL, Map.of(ModelBundles.INPUT, Tensor.row(inputs[i % INPUT_ROWS])))
                  .output("probabilities").get(1),
              i -> raw.run(inputs[i % INPUT_ROWS]));
      Progress.log(NAME, "timing drift binning of the same rows against the raw run");
      InputDrift drift = InputDrift.of(agent.activeManifest(ModelBundles.MODEL).orElseThrow());
      List<Map<String, Tensor>> calls = new ArrayList<>(INPUT_ROWS);
      for (float[] row : inputs) {
        calls.add(Map.of(ModelBundles.INPUT, Tensor.row(row)));
      }
      InterleavedRounds.Latencies binning = new InterleavedRounds(settings.warmupRounds(), settings.rounds(),
          settings.callsPerRound()).run(i -> {
            drift.record(calls.get(i % INPUT_ROWS));
            return 0;
          }, i -> raw.run(inputs[i % INPUT_ROWS]));
      return report(l, binning, settings);
    }
  }

  /**
   * An agent connected to the server, with the sample model rolled out to it and active: the way
   * a device gets it. The device is named and labelled after {@code benchmark}.
   */
  public static EdgeAgent installedAgent(Path workDir, BenchServer server, ModelBundles bundles, String benchmark)
      throws Exception {
    String device = benchmark + "-bench";
    server.api().upload(bundles.sampleBundle(1));
    EdgeAgent agent = EdgeAgent.builder().deviceId(device).dataDir(workDir.resolve("agent"))
        .nativeLibraryDir(workDir.resolve("native")).labels(Map.of("bench", benchmark))
        .set(MqttOptions.BROKER_URL, server.mqttUrl()).transport(new MqttTransportFactory())
        .outbox(SqliteOutbox.inDataDir(false)).trust(server.deviceTrust()).build();
    try {
      agent.start();
      Poll.until("the server to learn the device's labels", PATIENCE, Duration.ofMillis(100), () -> {
        var d = server.api().device(device);
        return d != null && benchmark.equals(d.path("labels").path("bench").asText());
      });
      server.api().createRollout(ModelBundles.MODEL, 1, "bench=" + benchmark);
      Poll.until("the agent to activate the sample model", PATIENCE, Duration.ofMillis(50),
          () -> agent.activeVersion(ModelBundles.MODEL).orElse(0) == 1);
      Progress.log(benchmark, "sample model rolled out to the agent and active");
      return agent;
    } catch (Exception e) {
      agent.close();
      throw e;
    }
  }

  private static BenchmarkReport report(InterleavedRounds.Latencies l, InterleavedRounds.Latencies binning, Settings s) {
    Histogram agent = l.a();
    Histogram raw = l.b();
    List<Outcome> outcomes = List.of(
        new Outcome(NAME, "p50 latency, agent predict vs raw ORT run", "µs", micros(agent, 50), micros(raw, 50), GOAL),
        new Outcome(NAME, "p99 latency, agent predict vs raw ORT run", "µs", micros(agent, 99), micros(raw, 99), GOAL),
        new Outcome(NAME, "mean drift binning per call vs raw ORT run", "µs", binning.a().getMean() / 1000.0,
            binning.b().getMean() / 1000.0, BINNING_GOAL));
    List<String> details = new ArrayList<>();
    details.add("| call | calls | p50 µs | p90 µs | p99 µs | p99.9 µs | mean µs | heap allocated per call |");
    details.add("|---|---|---|---|---|---|---|---|");
    details.add(row("agent `predict`", agent, l.bytesPerCallA()));
    details.add(row("raw ORT `run`", raw, l.bytesPerCallB()));
    details.add(row("drift binning alone (`InputDrift.record`)", binning.a(), binning.bytesPerCallA()));
    details.add(row("raw ORT `run` (beside binning)", binning.b(), binning.bytesPerCallB()));
    details.add("");
    details.add("Same ONNX file (the sample model, fp32) and the same " + INPUT_ROWS + " generated sensor rows on both sides; "
        + s.warmupRounds() + " warm-up rounds, then " + s.rounds() + " recorded rounds of " + s.callsPerRound()
        + " calls per side, alternating which side goes first. The agent's overhead at p50 is "
        + Numbers.format(micros(agent, 50) - micros(raw, 50)) + " µs per call, drift binning of its 8 features included; "
        + "binning alone, timed against the raw run in rounds of its own, costs "
        + Numbers.format(100.0 * binning.a().getMean() / binning.b().getMean()) + " % of a raw run on average.");
    return new BenchmarkReport(NAME, "Predict: agent `predict` vs raw ONNX Runtime `run`", outcomes, details);
  }

  private static String row(String name, Histogram h, double bytesPerCall) {
    return "| " + name + " | " + h.getTotalCount() + " | " + Numbers.format(micros(h, 50)) + " | " + Numbers.format(micros(h, 90))
        + " | " + Numbers.format(micros(h, 99)) + " | " + Numbers.format(micros(h, 99.9)) + " | "
        + Numbers.format(h.getMean() / 1000.0) + " | " + Math.round(bytesPerCall) + " B |";
  }

  private static double micros(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1000.0;
  }
}
