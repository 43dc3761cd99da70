package org.edgefleet.packager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.edgefleet.packager.BundleVerifier;
import org.edgefleet.packager.sample.SampleModel;
import org.edgefleet.packager.sample.ShapeImages;
import org.edgefleet.packager.sample.ShapesCnn;
import org.edgefleet.packager.csv.CsvTable;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.QuantizationReport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quantize} then {@code package} through the CLI, on the sample model and the shapes CNN. */
class QuantizeCommandTest {

  @TempDir
  static Path work;

  private static Path model;
  private static Path calibration;
  private static Path key;

  @BeforeAll
  static void sampleAndKey() {
    assertThat(run("sample", "--out", work.resolve("sample").toString()).code).isZero();
    assertThat(run("keygen", "--out-dir", work.resolve("keys").toString()).code).isZero();
    model = work.resolve("sample").resolve(SampleModel.MODEL_FILE);
    calibration = work.resolve("sample").resolve(SampleModel.CALIBRATION_FILE);
    key = work.resolve("keys/packager.key");
  }

  @Test
  void quantizedModelIsPackagedWithItsMeasuredFigures() throws Exception {
    Run quantize = run("quantize", "--model", model.toString(), "--calibration", calibration.toString(), "-q");
    assertThat(quantize.code).as(quantize.err).isZero();
    Path int8 = work.resolve("sample/motor-anomaly.int8.onnx");
    assertThat(quantize.out).startsWith("wrote " + int8).contains("probabilities        top1  agreement 0.99", "label                exact agreement 0.99");
    assertThat(Path.of(int8 + ".quant.json")).exists();

    Path bundle = work.resolve("motor-int8.bundle");
    Run pack = run("package", "--model", int8.toString(), "--name", "motor-anomaly", "--version", "2",
        "--calibration", calibration.toString(), "--key", key.toString(), "--out", bundle.toString(), "-q");
    assertThat(pack.code).as(pack.err).isZero();
    Manifest.Quantization q = BundleVerifier.readUnverified(bundle).quantization();
    assertThat(q.scheme()).isEqualTo("int8-static");
    assertThat(q.granularity()).isEqualTo("per-channel");
    QuantizationReport report = q.report();
    assertThat(report.ops()).isEqualTo(Map.of("MatMul", 2));
    assertThat(report.calibrationRows()).isEqualTo(4000);
    assertThat(report.outputs()).allMatch(c -> c.agreement() >= 0.99);
  }

  @Test
  void packageRefusesASidecarThatDescribesAnotherFile() throws Exception {
    Path copy = work.resolve("stale.onnx");
    Files.copy(model, copy);
    Run quantize = run("quantize", "--model", copy.toString(), "--mode", "weight-only",
        "--calibration", calibration.toString(), "--out", work.resolve("stale.int8.onnx").toString(), "-q");
    assertThat(quantize.code).as(quantize.err).isZero();
    Files.write(work.resolve("stale.int8.onnx"), Files.readAllBytes(model)); // replaced after quantizing
    Run pack = run("package", "--model", work.resolve("stale.int8.onnx").toString(), "--name", "m", "--version", "1",
        "--calibration", calibration.toString(), "--key", key.toString(), "--out", work.resolve("stale.bundle").toString());
    assertThat(pack.code).isEqualTo(PackagerCli.USAGE);
    assertThat(pack.err).contains("stale.int8.onnx.quant.json describes a model with SHA-256", "run quantize again");
    assertThat(work.resolve("stale.bundle")).doesNotExist();
  }

  @Test
  void gateRefusesWhenTheThresholdIsAboveWhatTheModelReaches() throws Exception {
    Path cnn = work.resolve("shapes.onnx");
    ShapesCnn.train(ShapeImages.generate(1200, 1)).write(cnn);
    Path images = work.resolve("images.csv");
    java.util.List<String> columns = java.util.stream.IntStream.range(0, 256).mapToObj(i -> "p" + i).toList();
    CsvTable.of(columns, ShapeImages.generate(300, 5).images()).write(images);
    // Activation ranges cut to the middle 2 % of values lose enough to change some predictions.
    String[] coarse = {"quantize", "--model", cnn.toString(), "--calibration", images.toString(),
        "--range", "percentile", "--percentile", "51", "--activation-type", "int8", "-q"};
    Run reached = run(concat(coarse, "--min-agreement", "0", "--out", work.resolve("coarse.onnx").toString()));
    assertThat(reached.code).as(reached.err).isZero();
    double agreement = Double.parseDouble(reached.out.replaceAll("(?s).*agreement ([0-9.]+),.*", "$1"));
    assertThat(agreement).isLessThan(1.0);

    Path refusedOut = work.resolve("refused.onnx");
    Run refused = run(concat(coarse, "--min-agreement", Double.toString(Math.min(1, agreement + 0.001)),
        "--out", refusedOut.toString()));
    assertThat(refused.code).isEqualTo(PackagerCli.FAILED);
    assertThat(refused.err).contains("refused: the quantized model fails the accuracy gate: output 'probabilities': top1 agreement",
        "nothing was written");
    assertThat(refusedOut).doesNotExist();
    assertThat(Path.of(refusedOut + ".quant.json")).doesNotExist();
  }

  @Test
  void badInputIsAUsageErrorNamingTheProblem() throws Exception {
    Path narrow = Files.writeString(work.resolve("narrow.csv"), "a,b\n1,2\n");
    Run wrongWidth = run("quantize", "--model", model.toString(), "--calibration", narrow.toString(), "-q");
    assertThat(wrongWidth.code).isEqualTo(PackagerCli.USAGE);
    assertThat(wrongWidth.err).contains("error: ", "narrow.csv has the columns [a, b]", "missing [vib_rms_x");

    Run badMode = run("quantize", "--model", model.toString(), "--calibration", calibration.toString(), "--mode", "dynamic");
    assertThat(badMode.code).isEqualTo(PackagerCli.USAGE);
    assertThat(badMode.err).contains("--mode must be one of [weight-only, static], got 'dynamic'");
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = PackagerCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private record Run(int code, String out, String err) {}
}
