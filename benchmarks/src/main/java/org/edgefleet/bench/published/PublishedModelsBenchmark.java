package org.edgefleet.bench.published;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.linux.SqliteOutbox;
import org.edgefleet.agent.transport.MqttOptions;
import org.edgefleet.agent.transport.MqttTransportFactory;
import org.edgefleet.bench.Poll;
import org.edgefleet.bench.Progress;
import org.edgefleet.bench.fleet.BenchServer;
import org.edgefleet.bench.predict.InterleavedRounds;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.Goal;
import org.edgefleet.bench.report.Numbers;
import org.edgefleet.bench.report.Outcome;
import org.edgefleet.packager.BundlePackager;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;

/**
 * The agent's {@code predict} against the bare runtime on published models: openWakeWord's speech
 * embedding CNN in ONNX Runtime and in TFLite, and its small "hey jarvis" head in TFLite (the sample
 * model's ONNX Runtime figures are the {@code predict} benchmark's). Each model is packaged by the
 * packager with no data (test vectors on generated inputs) and reaches the agent by a rollout from a
 * real fleet server; the baseline opens the same file.
 */
public final class PublishedModelsBenchmark {

  /**
   * @param modelsDir where test-models/fetch.sh put the published models
   * @param warmupRounds rounds run first and not recorded
   * @param rounds recorded rounds; each side runs {@code callsPerRound} calls per round
   */
  public record Settings(Path modelsDir, int warmupRounds, int rounds, int callsPerRound) {}

  public static final String NAME = "published-models";
  static final Goal GOAL = Goal.ratioAtMost(1.05);
  private static final String DEVICE = "published-bench";
  private static final int INPUTS = 64;
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private PublishedModelsBenchmark() {}

  public static BenchmarkReport run(Path workDir, Settings s) throws Exception {
    for (PublishedModel m : PublishedModel.values()) {
      m.in(s.modelsDir()); // refuses a folder without the models before anything starts
    }
    SigningKey key = SigningKey.generate(KeyRole.PACKAGER);
    Path nativeDir = workDir.resolve("native");
    List<Outcome> outcomes = new ArrayList<>();
    List<String> details = new ArrayList<>();
    details.add("| model | runtime | agent p50 µs | raw p50 µs | p50 ratio | agent p99 µs | raw p99 µs | p99 ratio |");
    details.add("|---|---|---|---|---|---|---|---|");
    try (BenchServer server = BenchServer.start(workDir.resolve("server"), key);
        EdgeAgent agent = connectedAgent(workDir, server, nativeDir)) {
      for (PublishedModel m : PublishedModel.values()) {
        float[][] inputs = m.inputs(INPUTS, 17);
        try (RawRuntime raw = m.format == ModelFormat.ONNX
            ? RawRuntime.onnx(m.in(s.modelsDir()), m.input, m.shape) : RawRuntime.tflite(m.in(s.modelsDir()), nativeDir)) {
          server.api().upload(bundle(workDir, key, m, s.modelsDir()));
          server.api().createRollout(m.fleetName(), 1, "bench=" + NAME);
          Poll.until("the agent to activate " + m.fleetName(), PATIENCE, Duration.ofMillis(50),
              () -> agent.activeVersion(m.fleetName()).orElse(0) == 1);
          Progress.log(NAME, m.fleetName() + " rolled out and active; timing " + s.rounds() + " rounds of "
              + s.callsPerRound() + " calls per side");
          float[] out = new float[m.outputSize];
          InterleavedRounds.Latencies l = new InterleavedRounds(s.warmupRounds(), s.rounds(), s.callsPerRound()).run(
              i -> agent.predict(m.fleetName(), Map.of(m.input, Tensor.ofFloats(m.shape, inputs[i % INPUTS])))
                  .output(m.output).get(0),
              i -> raw.run(inputs[i % INPUTS], out)[0]);
          report(m, l, outcomes, details);
        }
      }
      details.add("");
      details.add(PublishedModel.values().length + " models rolled out to one agent; per model the same " + INPUTS + " generated inputs in "
          + "the same order on both sides, " + s.warmupRounds() + " warm-up rounds, then " + s.rounds()
          + " recorded rounds of " + s.callsPerRound() + " calls per side, alternating which side goes first. "
          + "Raw: the runtime's Java API with one thread (ONNX Runtime: a tensor around the array, run, output "
          + "copied; TFLite: JavaCPP's interpreter, copy in, Invoke, copy out).");
    }
    return new BenchmarkReport(NAME, "Published models: agent `predict` vs the bare runtime", outcomes, details);
  }

  private static EdgeAgent connectedAgent(Path workDir, BenchServer server, Path nativeDir) throws Exception {
    EdgeAgent agent = EdgeAgent.builder().deviceId(DEVICE).dataDir(workDir.resolve("agent"))
        .nativeLibraryDir(nativeDir).labels(Map.of("bench", NAME))
        .set(MqttOptions.BROKER_URL, server.mqttUrl()).transport(new MqttTransportFactory())
        .outbox(SqliteOutbox.inDataDir(false)).trust(server.deviceTrust()).build();
    try {
      agent.start();
      Poll.until("the server to learn the device's labels", PATIENCE, Duration.ofMillis(100), () -> {
        var device = server.api().device(DEVICE);
        return device != null && NAME.equals(device.path("labels").path("bench").asText());
      });
      return agent;
    } catch (Exception e) {
      agent.close();
      throw e;
    }
  }

  /** The published file packaged the way a user packages it: no data, so test vectors on generated inputs. */
  private static Path bundle(Path workDir, SigningKey key, PublishedModel m, Path modelsDir) throws Exception {
    Path out = Files.createDirectories(workDir.resolve("bundles")).resolve(m.fleetName() + ".bundle");
    BundlePackager.builder().model(m.in(modelsDir)).name(m.fleetName()).version(1).signingKey(key)
        .tolerance(1e-3).description(m.label + ", published").build().writeTo(out);
    return out;
  }

  private static void report(PublishedModel m, InterleavedRounds.Latencies l, List<Outcome> outcomes, List<String> details) {
    Histogram agent = l.a();
    Histogram raw = l.b();
    String what = m.label + ", " + m.runtime();
    outcomes.add(new Outcome(NAME, what + ": p50 latency, agent predict vs raw", "µs", micros(agent, 50), micros(raw, 50), GOAL));
    outcomes.add(new Outcome(NAME, what + ": p99 latency, agent predict vs raw", "µs", micros(agent, 99), micros(raw, 99), GOAL));
    details.add("| " + m.label + " | " + m.runtime() + " | " + Numbers.format(micros(agent, 50)) + " | "
        + Numbers.format(micros(raw, 50)) + " | " + Numbers.format(micros(agent, 50) / micros(raw, 50)) + " | "
        + Numbers.format(micros(agent, 99)) + " | " + Numbers.format(micros(raw, 99)) + " | "
        + Numbers.format(micros(agent, 99) / micros(raw, 99)) + " |");
  }

  private static double micros(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1000.0;
  }
}
