package org.edgefleet.bench.quantize;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.edgefleet.bench.Progress;
import org.edgefleet.bench.predict.InterleavedRounds;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.Goal;
import org.edgefleet.bench.report.Numbers;
import org.edgefleet.bench.report.Outcome;
import org.edgefleet.packager.csv.CsvTable;
import org.edgefleet.packager.onnx.OnnxModel;
import org.edgefleet.packager.quantize.CsvModelInputs;
import org.edgefleet.packager.quantize.Granularity;
import org.edgefleet.packager.quantize.OnnxQuantizer;
import org.edgefleet.packager.quantize.QuantizationMode;
import org.edgefleet.packager.quantize.QuantizeResult;
import org.edgefleet.packager.sample.SampleModel;
import org.edgefleet.packager.sample.SampleModelReport;
import org.edgefleet.packager.sample.ShapeImages;
import org.edgefleet.packager.sample.ShapesCnn;
import org.edgefleet.protocol.bundle.QuantizationReport;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * The packager's int8 quantization against the float model it came from: file and weight
 * sizes, top-1 agreement on held-out rows, and single-row latency in ONNX Runtime (p50 over
 * interleaved rounds in one JVM), for the sample motor MLP, the shapes CNN on 16x16 and 48x48 images
 * and openWakeWord's published speech embedding CNN.
 */
public final class QuantizeBenchmark {

  /**
   * @param modelsDir where test-models/fetch.sh put the published models (the speech embedding CNN)
   * @param warmupRounds rounds run first and not recorded
   * @param rounds recorded rounds; each model runs {@code callsPerRound} calls per round
   */
  public record Settings(Path modelsDir, int warmupRounds, int rounds, int callsPerRound) {}

  public static final String NAME = "quantize";
  static final Goal SIZE_GOAL = Goal.ratioAtMost(0.3);
  static final Goal AGREEMENT_GOAL = Goal.ratioAtLeast(0.99);
  private static final int CNN_TRAINING = 1200;
  /** The larger CNN: 48x48 images, a head of 4 x 4232 weights; fewer training images keep its fit quick. */
  private static final int LARGE_SIZE = 48;
  private static final int LARGE_TRAINING = 600;
  private static final int ROWS = 500;
  /** The speech embedding runs about 0.6 ms a call: fewer rows keep calibration and checks quick. */
  private static final int SPEECH_ROWS = 100;

  private QuantizeBenchmark() {}

  /** One float model, its inputs one row each, and the CSV files to quantize and check it with. */
  private record Subject(String label, Path model, Path calibration, Path validation, List<Map<String, Tensor>> rows) {}

  public static BenchmarkReport run(Path workDir, Settings settings) throws Exception {
    List<Outcome> outcomes = new ArrayList<>();
    List<String> details = new ArrayList<>();
    details.add("| model | scheme | file bytes float → int8 | file ratio | weight ratio | agreement (or abs error) | p50 µs float → int8 | latency ratio |");
    details.add("|---|---|---|---|---|---|---|---|");
    for (Subject subject : List.of(mlp(workDir), cnn(workDir, ShapeImages.SIZE, CNN_TRAINING),
        cnn(workDir, LARGE_SIZE, LARGE_TRAINING), speechEmbedding(workDir, settings.modelsDir()))) {
      for (Variant variant : Variant.values()) {
        Progress.log(NAME, "quantizing " + subject.label() + " " + variant.label);
        QuantizeResult result = variant.quantizer(subject).quantize(subject.model(),
            workDir.resolve(subject.model().getFileName() + "." + variant.name().toLowerCase() + ".onnx"));
        // Classifiers are compared by top-1 agreement, the embedding (continuous outputs) by absolute error.
        QuantizationReport.OutputCheck check = result.quantization().report().outputs().stream()
            .filter(c -> c.measure() == QuantizationReport.Measure.TOP1).findFirst()
            .orElse(result.quantization().report().outputs().get(0));
        boolean classifier = check.measure() == QuantizationReport.Measure.TOP1;
        InterleavedRounds.Latencies l = latencies(subject, result.model(), settings);
        double int8Micros = micros(l.a());
        double floatMicros = micros(l.b());
        String what = subject.label() + ", " + variant.label;
        if (variant.headline) {
          outcomes.add(new Outcome(NAME, what + ": weights int8 vs float", "bytes", result.quantizedWeightBytes(),
              result.floatWeightBytes(), SIZE_GOAL));
          outcomes.add(new Outcome(NAME, what + ": model file int8 vs float", "bytes", result.quantizedFileBytes(),
              result.floatFileBytes(), null));
          outcomes.add(classifier
              ? new Outcome(NAME, what + ": top-1 agreement with float", "share", check.agreement(), 1.0, AGREEMENT_GOAL)
              : new Outcome(NAME, what + ": mean abs error vs mean |float output|", "", check.meanAbsError(),
                  meanAbsOutput(subject), null));
          outcomes.add(new Outcome(NAME, what + ": p50 latency int8 vs float", "µs", int8Micros, floatMicros, null));
        }
        details.add("| " + subject.label() + " | " + variant.label + " | " + result.floatFileBytes() + " → "
            + result.quantizedFileBytes() + " | " + Numbers.format(result.fileRatio()) + " | "
            + Numbers.format(result.weightRatio()) + " | " + (classifier ? Numbers.format(check.agreement())
                : "max " + Numbers.format(check.maxAbsError()) + ", mean " + Numbers.format(check.meanAbsError())) + " | "
            + Numbers.format(floatMicros) + " → " + Numbers.format(int8Micros) + " | "
            + Numbers.format(int8Micros / floatMicros) + " |");
      }
    }
    details.add("");
    details.add("Agreement: share of " + ROWS + " held-out rows whose top-1 class is the same as the float model's "
        + "(the quantizer's accuracy gate). Weight ratio: int8 weights with their per-channel (or per-tensor) scales "
        + "and zero points over the same weights in float32. Latency: one row per call through the packager's ONNX "
        + "Runtime session (one intra-op thread), " + settings.warmupRounds() + " warm-up rounds, then "
        + settings.rounds() + " recorded rounds of " + settings.callsPerRound()
        + " calls per model, alternating which model goes first.");
    return new BenchmarkReport(NAME, "Quantize: int8 vs the float model", outcomes, details);
  }

  /** The quantizations measured; the headline one is the packager's default. */
  private enum Variant {
    STATIC_PER_CHANNEL("static, per-channel", true, QuantizationMode.STATIC, Granularity.PER_CHANNEL),
    WEIGHT_ONLY_PER_CHANNEL("weight-only, per-channel", false, QuantizationMode.WEIGHT_ONLY, Granularity.PER_CHANNEL),
    STATIC_PER_TENSOR("static, per-tensor", false, QuantizationMode.STATIC, Granularity.PER_TENSOR);

    final String label;
    final boolean headline;
    final QuantizationMode mode;
    final Granularity granularity;

    Variant(String label, boolean headline, QuantizationMode mode, Granularity granularity) {
      this.label = label;
      this.headline = headline;
      this.mode = mode;
      this.granularity = granularity;
    }

    OnnxQuantizer quantizer(Subject subject) throws Exception {
      return OnnxQuantizer.builder().mode(mode).granularity(granularity)
          .calibration(CsvModelInputs.read(subject.calibration()))
          .validation(CsvModelInputs.read(subject.validation()))
          .build();
    }
  }

  private static InterleavedRounds.Latencies latencies(Subject subject, Path int8, Settings s) throws Exception {
    try (OnnxModel quantized = OnnxModel.open(int8); OnnxModel original = OnnxModel.open(subject.model())) {
      List<Map<String, Tensor>> rows = subject.rows();
      return new InterleavedRounds(s.warmupRounds(), s.rounds(), s.callsPerRound()).run(
          i -> quantized.run(rows.get(i % rows.size())).values().iterator().next().get(0),
          i -> original.run(rows.get(i % rows.size())).values().iterator().next().get(0));
    }
  }

  private static Subject mlp(Path workDir) throws Exception {
    SampleModelReport sample = SampleModel.build(workDir.resolve("mlp"), SampleModel.DEFAULT_SEED);
    CsvTable calibration = CsvTable.read(sample.calibration());
    Path validation = workDir.resolve("mlp-validation.csv");
    CsvTable.of(calibration.columns(), IntStream.range(0, ROWS)
        .mapToObj(i -> calibration.row(calibration.rowCount() - 1 - i)).toArray(float[][]::new)).write(validation);
    List<Map<String, Tensor>> rows = IntStream.range(0, ROWS)
        .mapToObj(i -> Map.of("features", Tensor.row(calibration.row(i)))).toList();
    return new Subject("sample MLP", sample.model(), sample.calibration(), validation, rows);
  }

  private static Subject cnn(Path workDir, int size, int training) throws Exception {
    String label = "shapes CNN " + size + "x" + size;
    Path model = workDir.resolve("shapes-" + size + ".onnx");
    Progress.log(NAME, "training the head of the " + label);
    ShapesCnn.train(ShapeImages.generate(training, 1, size)).write(model);
    Path calibration = images(workDir.resolve("shapes-" + size + "-calibration.csv"), ShapeImages.generate(ROWS, 2, size));
    ShapeImages.Set held = ShapeImages.generate(ROWS, 3, size);
    Path validation = images(workDir.resolve("shapes-" + size + "-validation.csv"), held);
    long[] shape = {1, 1, size, size};
    List<Map<String, Tensor>> rows = Arrays.stream(held.images())
        .map(image -> Map.of(ShapesCnn.INPUT, Tensor.ofFloats(shape, image))).toList();
    return new Subject(label, model, calibration, validation, rows);
  }

  /**
   * openWakeWord's speech embedding (float32 [batch, 76, 32, 1] -> [batch, 1, 1, 96]), on windows of
   * mel features from its own mel model; not a classifier, so it is held to absolute error.
   */
  private static Subject speechEmbedding(Path workDir, Path modelsDir) throws Exception {
    Path model = modelsDir.resolve("embedding_model.onnx");
    Path mel = modelsDir.resolve("melspectrogram.onnx");
    for (Path p : List.of(model, mel)) {
      if (!java.nio.file.Files.isRegularFile(p)) {
        throw new IllegalArgumentException("--models " + modelsDir + " has no " + p.getFileName()
            + ": fetch the published models into it first (bash test-models/fetch.sh " + modelsDir + ")");
      }
    }
    Progress.log(NAME, "making mel feature windows for the speech embedding");
    List<String> columns = IntStream.range(0, SpeechFeatures.FRAMES * SpeechFeatures.BANDS).mapToObj(i -> "m" + i).toList();
    Path calibration = workDir.resolve("speech-calibration.csv");
    CsvTable.of(columns, SpeechFeatures.windows(mel, SPEECH_ROWS, 2)).write(calibration);
    float[][] held = SpeechFeatures.windows(mel, SPEECH_ROWS, 3);
    Path validation = workDir.resolve("speech-validation.csv");
    CsvTable.of(columns, held).write(validation);
    long[] shape = {1, SpeechFeatures.FRAMES, SpeechFeatures.BANDS, 1};
    List<Map<String, Tensor>> rows = Arrays.stream(held).map(w -> Map.of("input_1", Tensor.ofFloats(shape, w))).toList();
    return new Subject("speech embedding CNN (published)", model, calibration, validation, rows);
  }

  /** The scale the errors of a continuous output are read against: the float model's mean |output|. */
  private static double meanAbsOutput(Subject subject) throws Exception {
    double sum = 0;
    long n = 0;
    try (OnnxModel original = OnnxModel.open(subject.model())) {
      for (Map<String, Tensor> row : subject.rows()) {
        for (float v : original.run(row).values().iterator().next().floats()) {
          sum += Math.abs(v);
          n++;
        }
      }
    }
    return sum / n;
  }

  private static Path images(Path file, ShapeImages.Set set) throws Exception {
    List<String> columns = IntStream.range(0, set.size() * set.size()).mapToObj(i -> "p" + i).toList();
    CsvTable.of(columns, set.images()).write(file);
    return file;
  }

  private static double micros(Histogram h) {
    return h.getValueAtPercentile(50) / 1000.0;
  }
}
