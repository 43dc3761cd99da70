package org.edgefleet.bench.predict;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.edgefleet.agent.inference.OnnxEngine;
import org.edgefleet.agent.metrics.MetricsRegistry;
import org.edgefleet.agent.serving.Companion;
import org.edgefleet.agent.serving.ModelLoader;
import org.edgefleet.agent.serving.ModelRegistry;
import org.edgefleet.agent.serving.ServingModel;
import org.edgefleet.agent.serving.ShadowRunner;
import org.edgefleet.bench.Progress;
import org.edgefleet.bench.fleet.ModelBundles;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.Goal;
import org.edgefleet.bench.report.Numbers;
import org.edgefleet.bench.report.Outcome;
import org.edgefleet.packager.sample.MotorDataGenerator;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.bundle.BundleReader;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.VerifiedBundle;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.TrustStore;

/**
 * The caller's cost of a shadow: {@code predict} of the active version on a registry that runs a
 * shadow version beside it, against {@code predict} on a registry without one, interleaved in one
 * JVM on the same model and inputs. Both registries are the agent's own serving code over real
 * ONNX Runtime sessions opened from verified bundles (v1 active, v2 the shadow).
 */
public final class ShadowBenchmark {

  public static final String NAME = "shadow";
  static final Goal GOAL = Goal.ratioAtMost(1.10);
  private static final int INPUT_ROWS = 1024;

  private ShadowBenchmark() {}

  public static BenchmarkReport run(Path workDir, PredictBenchmark.Settings settings) throws Exception {
    ModelBundles bundles = ModelBundles.create(workDir.resolve("bundles"));
    ModelLoader loader = new ModelLoader(Map.of(ModelFormat.ONNX, new OnnxEngine(workDir.resolve("native"), 1)),
        new MetricsRegistry());
    BundleReader reader = new BundleReader(TrustStore.of(bundles.packagerKey().publicKey()), BundleLimits.DEFAULT,
        Clock.systemUTC());
    float[][] inputs = MotorDataGenerator.create().dataset(INPUT_ROWS, 11).features();
    ShadowRunner runner = new ShadowRunner("bench-shadow", ShadowRunner.DEFAULT_QUEUE);
    ModelRegistry plain = new ModelRegistry("bench-plain", new ShadowRunner("bench-plain", 1));
    ModelRegistry shadowed = new ModelRegistry("bench-shadow", runner);
    try {
      plain.activate(open(loader, reader, bundles.sampleBundle(1), workDir.resolve("plain")));
      shadowed.activate(open(loader, reader, bundles.sampleBundle(1), workDir.resolve("active")));
      ServingModel shadow = open(loader, reader, bundles.sampleBundle(2), workDir.resolve("shadow"));
      shadowed.attach(Companion.shadow(shadow));
      Progress.log(NAME, "timing " + settings.rounds() + " interleaved rounds of " + settings.callsPerRound() + " calls each");
      InterleavedRounds.Latencies l = new InterleavedRounds(settings.warmupRounds(), settings.rounds(), settings.callsPerRound())
          .run(i -> shadowed.predict(ModelBundles.MODEL, Map.of(ModelBundles.INPUT, Tensor.row(inputs[i % INPUT_ROWS])))
                  .output("probabilities").get(1),
              i -> plain.predict(ModelBundles.MODEL, Map.of(ModelBundles.INPUT, Tensor.row(inputs[i % INPUT_ROWS])))
                  .output("probabilities").get(1));
      return report(l, settings);
    } finally {
      plain.closeAll();
      shadowed.closeAll();
    }
  }

  private static ServingModel open(ModelLoader loader, BundleReader reader, Path bundle, Path dir) throws Exception {
    Path files = Files.createDirectories(dir.resolve("files"));
    VerifiedBundle v = reader.extract(bundle, files);
    return loader.load("a", files, v.manifest());
  }

  private static BenchmarkReport report(InterleavedRounds.Latencies l, PredictBenchmark.Settings s) {
    Histogram with = l.a();
    Histogram without = l.b();
    List<Outcome> outcomes = List.of(
        new Outcome(NAME, "p50 latency of predict, shadow running vs none", "µs", micros(with, 50), micros(without, 50), GOAL));
    List<String> details = List.of(
        "| registry | calls | p50 µs | p90 µs | p99 µs | mean µs |",
        "|---|---|---|---|---|---|",
        row("active v1 with shadow v2", with),
        row("active v1 alone", without),
        "",
        "The same sample model (fp32 ONNX) and " + INPUT_ROWS + " generated sensor rows on both sides; " + s.warmupRounds()
            + " warm-up rounds, then " + s.rounds() + " recorded rounds of " + s.callsPerRound()
            + " calls per side, alternating which side goes first. The shadow runs on its own worker thread from a queue of "
            + ShadowRunner.DEFAULT_QUEUE + "; runs that find it full are skipped and counted, never waited for.");
    return new BenchmarkReport(NAME, "Shadow: the caller's predict with a shadow running vs without", outcomes, details);
  }

  private static String row(String name, Histogram h) {
    return "| " + name + " | " + h.getTotalCount() + " | " + Numbers.format(micros(h, 50)) + " | " + Numbers.format(micros(h, 90))
        + " | " + Numbers.format(micros(h, 99)) + " | " + Numbers.format(h.getMean() / 1000.0) + " |";
  }

  private static double micros(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1000.0;
  }
}
