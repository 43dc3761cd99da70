package org.edgefleet.packager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.edgefleet.packager.AnyModels;
import org.edgefleet.packager.BundleVerifier;
import org.edgefleet.protocol.tensor.numpy.Npy;
import org.edgefleet.protocol.tensor.numpy.Npz;
import org.edgefleet.packager.onnx.OnnxModel;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.tflite.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published openWakeWord models (test-models/README.md) and models built in code, through
 * the CLI as a user runs it: inspect the bare file, package with no data and with .npy data,
 * prove a conversion with expected outputs, package a stateful model; hostile files refused.
 */
class AnyModelCliTest {

  @TempDir static Path keys;
  @TempDir Path dir;
  static String key;
  static String pub;

  @BeforeAll
  static void keygen() {
    assertThat(run("keygen", "--out-dir", keys.toString()).code).isZero();
    key = keys.resolve("packager.key").toString();
    pub = keys.resolve("packager.pub").toString();
  }

  @Test
  void inspectDescribesBareModelsOfBothFormats() {
    Run onnx = run("inspect", TestModels.onnx(TestModels.EMBEDDING).toString());
    assertThat(onnx.code).as(onnx.err).isZero();
    assertThat(onnx.out).contains("onnx model, opset 13", "input:        input_1 float32 [unk__314, 76, 32, 1]",
        "output:       conv2d_19 float32 [unk__315, 1, 1, 96]", "quantization: none");
    Run tflite = run("inspect", TestModels.tflite(TestModels.MELSPECTROGRAM).toString());
    assertThat(tflite.code).as(tflite.err).isZero();
    assertThat(tflite.out).contains("tflite model", "input:        input float32 [?, ?]");
    Run mel = run("inspect", TestModels.onnx(TestModels.MELSPECTROGRAM).toString());
    assertThat(mel.out).contains("input:        input float32 [batch_size, samples]");
  }

  @Test
  void inspectShowsScalarsAndWhichTensorsShareADimension() throws Exception {
    Run multi = run("inspect", AnyModels.multiInput(dir.resolve("multi.onnx")).toString());
    assertThat(multi.code).as(multi.err).isZero();
    assertThat(multi.out).contains("input:        onnx::Flatten_0 float32 [batch, seq, 4]", "input:        sr int64 [] (scalar)",
        "output:       greater bool [batch, seq, 4]",
        "dimension:    seq shared by [onnx::Flatten_0, serving_default_x:0, sum, scaled, greater]");
    assertThat(run("inspect", "--json", dir.resolve("multi.onnx").toString()).err).contains("--json shows a bundle's manifest");
  }

  @Test
  void theEmbeddingCnnPackagesInBothFormatsWithNoDataAndWithNpyData() throws Exception {
    for (Path model : List.of(TestModels.onnx(TestModels.EMBEDDING), TestModels.tflite(TestModels.EMBEDDING))) {
      Path bundle = dir.resolve(model.getFileName() + ".bundle");
      Run bare = run("package", "--model", model.toString(), "--name", "embedding", "--version", "1", "--key", key,
          "--out", bundle.toString());
      assertThat(bare.code).as(bare.err).isZero();
      assertThat(bare.err).contains("no input data: test vectors from generated inputs");
      assertThat(bare.out).contains("test vectors: 6", "reference statistics: 0 histograms");
      Run verify = run("verify", "--bundle", bundle.toString(), "--trust", pub);
      assertThat(verify.code).as(verify.err).isZero();
      assertThat(verify.out).contains("test vectors: 6 passed in "
          + (model.toString().endsWith(".tflite") ? "TFLite" : "ONNX Runtime"));
    }

    Path samples = dir.resolve("samples.npy");
    Npy.write(samples, gaussian(new long[] {8, 76, 32, 1}, 3));
    Path bundle = dir.resolve("with-data.bundle");
    Run data = run("package", "--model", TestModels.tflite(TestModels.EMBEDDING).toString(), "--name", "embedding",
        "--version", "2", "--key", key, "--calibration", samples.toString(), "--test-vectors", "3", "--out", bundle.toString());
    assertThat(data.code).as(data.err).isZero();
    assertThat(data.out).contains("(tflite, schema 1)", "test vectors: 4", "reference statistics: 1 histograms",
        "input_1 values", "19456 values").doesNotContain("generated");
    Manifest m = BundleVerifier.readUnverified(bundle);
    assertThat(m.format()).isEqualTo(ModelFormat.TFLITE);
    assertThat(m.testVectors().get(3).inputs().get("input_1").shape()).containsExactly(3, 76, 32, 1);
  }

  @Test
  void theCnnQuantizesOnNpyCalibrationAndPackagesWithItsFigures() throws Exception {
    Path samples = dir.resolve("calibration.npy");
    Npy.write(samples, gaussian(new long[] {6, 76, 32, 1}, 9));
    Path int8 = dir.resolve("embedding.int8.onnx");
    Run quantize = run("quantize", "--model", TestModels.onnx(TestModels.EMBEDDING).toString(), "--calibration",
        samples.toString(), "--out", int8.toString(), "-q");
    assertThat(quantize.code).as(quantize.err).isZero();
    assertThat(quantize.out).contains("quantized {Conv=20}", "from 6 calibration rows");
    assertThat(Files.size(int8)).isLessThan(Files.size(TestModels.onnx(TestModels.EMBEDDING)) / 3);

    Run packaged = run("package", "--model", int8.toString(), "--name", "embedding", "--version", "3", "--key", key,
        "--calibration", samples.toString(), "--out", dir.resolve("int8.bundle").toString());
    assertThat(packaged.code).as(packaged.err).isZero();
    assertThat(packaged.out).contains("quantization: int8-static, per-channel", "vs float:   conv2d_19 error");
  }

  @Test
  void expectedOutputsProveAConversionOrTheRefusalNamesTheOutputAndTheError() throws Exception {
    Tensor x = gaussian(new long[] {3, 1, 16, 96}, 5);
    float[] expected = new float[3];
    try (OnnxModel onnx = OnnxModel.open(TestModels.onnx(TestModels.HEY_JARVIS))) {
      for (int k = 0; k < 3; k++) {
        float[] one = Arrays.copyOfRange(x.floats(), k * 16 * 96, (k + 1) * 16 * 96);
        expected[k] = onnx.run(Map.of("x.1", Tensor.ofFloats(new long[] {1, 16, 96}, one))).get("53").floats()[0];
      }
    }
    Path inputs = dir.resolve("x.npz");
    Npz.write(inputs, Map.of("x.1", x));
    Path good = dir.resolve("good.npz");
    Npz.write(good, Map.of("53", Tensor.ofFloats(new long[] {3, 1, 1}, expected)));
    Path tflite = TestModels.tflite(TestModels.HEY_JARVIS);
    Run proved = run("package", "--model", tflite.toString(), "--name", "jarvis", "--version", "1", "--key", key,
        "--test-inputs", inputs.toString(), "--expected", good.toString(), "--out", dir.resolve("j.bundle").toString());
    assertThat(proved.code).as(proved.err).isZero();
    assertThat(proved.err).contains("expected outputs reproduced: max abs error");

    float[] off = expected.clone();
    off[1] += 0.01f;
    Path bad = dir.resolve("bad.npz");
    Npz.write(bad, Map.of("53", Tensor.ofFloats(new long[] {3, 1, 1}, off)));
    Run refused = run("package", "--model", tflite.toString(), "--name", "jarvis", "--version", "1", "--key", key,
        "--test-inputs", inputs.toString(), "--expected", bad.toString(), "--out", dir.resolve("bad.bundle").toString());
    assertThat(refused.code).isEqualTo(PackagerCli.USAGE);
    assertThat(refused.err).contains("output '53' does not reproduce " + bad, "(sample 1) is above the tolerance 1.0E-4");
    assertThat(dir.resolve("bad.bundle")).doesNotExist();
  }

  @Test
  void aStatefulModelPackagesAsASequenceAndADynamicDimensionTakesItsSize() throws Exception {
    Path rnn = AnyModels.recurrent(dir.resolve("rnn.onnx"));
    Run stateful = run("package", "--model", rnn.toString(), "--name", "rnn", "--version", "1", "--key", key,
        "--state", "stateN=state", "--sequence-length", "3", "--out", dir.resolve("rnn.bundle").toString());
    assertThat(stateful.code).as(stateful.err).isZero();
    assertThat(stateful.out).contains("test vectors: 3 (1 sequence(s), state carried 2 times)");
    assertThat(run("verify", "--bundle", dir.resolve("rnn.bundle").toString(), "--trust", pub).code).isZero();
    Manifest m = BundleVerifier.readUnverified(dir.resolve("rnn.bundle"));
    assertThat(m.testVectors().get(0).inputs().get("state").floats()).containsExactly(0f, 0f);
    assertThat(m.testVectors().get(2).stateFrom()).containsEntry("state", "stateN");

    Path mel = TestModels.tflite(TestModels.MELSPECTROGRAM);
    Run unsized = run("package", "--model", mel.toString(), "--name", "mel", "--version", "1", "--key", key,
        "--out", dir.resolve("mel.bundle").toString());
    assertThat(unsized.code).isEqualTo(PackagerCli.USAGE);
    assertThat(unsized.err).contains("error: input 'input': dynamic dimension axis 1 needs a value: pass --dim input:1=N");
    Run sized = run("package", "--model", mel.toString(), "--name", "mel", "--version", "1", "--key", key,
        "--dim", "input:1=1600", "--test-vectors", "2", "--out", dir.resolve("mel.bundle").toString());
    assertThat(sized.code).as(sized.err).isZero();
    Path audio = dir.resolve("audio.npy");
    Npy.write(audio, gaussian(new long[] {3, 1600}, 7));
    Run withAudio = run("package", "--model", TestModels.onnx(TestModels.MELSPECTROGRAM).toString(), "--name", "mel",
        "--version", "2", "--key", key, "--calibration", audio.toString(), "--stats-axis", "input=1", "--bins", "4",
        "--out", dir.resolve("mel-audio.bundle").toString());
    assertThat(withAudio.code).as(withAudio.err).isEqualTo(PackagerCli.USAGE);
    assertThat(withAudio.err).contains("--stats-axis input=1: input 'input' has shape [-1, -1]; the axis must be one of"
        + " its fixed dimensions");
    Run audioValues = run("package", "--model", TestModels.onnx(TestModels.MELSPECTROGRAM).toString(), "--name", "mel",
        "--version", "2", "--key", key, "--calibration", audio.toString(), "--out", dir.resolve("mel-audio.bundle").toString());
    assertThat(audioValues.code).as(audioValues.err).isZero();
    assertThat(audioValues.out).contains("input:        input float32 [batch_size, samples]", "test vectors: 4",
        "input values", "4800 values");
    assertThat(run("--dim", "x").code).isEqualTo(PackagerCli.USAGE);
    Run badDim = run("package", "--model", mel.toString(), "--name", "mel", "--version", "1", "--key", key,
        "--dim", "input:1=zero");
    assertThat(badDim.err).contains("--dim 'input:1=zero' must be NAME=N (or INPUT:AXIS=N) with N a whole number >= 1");
  }

  @Test
  void aModelIsWhatItsContentSaysNotItsName() throws Exception {
    Path disguised = Files.copy(TestModels.tflite(TestModels.HEY_JARVIS), dir.resolve("jarvis.onnx"));
    Run packaged = run("package", "--model", disguised.toString(), "--name", "jarvis", "--version", "1", "--key", key,
        "--out", dir.resolve("j.bundle").toString());
    assertThat(packaged.code).as(packaged.err).isZero();
    assertThat(packaged.err).contains("tflite, 1 input(s), 1 output(s) (its name says onnx; its content decides)");
    assertThat(packaged.out).contains("file:         model.tflite");

    Path garbage = Files.write(dir.resolve("garbage.onnx"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    Path npz = dir.resolve("weights.npz");
    Npz.write(npz, Map.of("w", Tensor.row(1f)));
    byte[] whole = Files.readAllBytes(TestModels.tflite(TestModels.HEY_JARVIS));
    Path truncated = Files.write(dir.resolve("cut.tflite"), Arrays.copyOf(whole, 4096));
    for (Path bad : List.of(garbage, npz, truncated, Files.write(dir.resolve("empty.tflite"), new byte[0]))) {
      Run refused = run("package", "--model", bad.toString(), "--name", "x", "--version", "1", "--key", key,
          "--out", dir.resolve("x.bundle").toString());
      assertThat(refused.code).as(bad + ": " + refused.err).isEqualTo(PackagerCli.USAGE);
      assertThat(refused.err).startsWith("error: ").contains(bad.toString());
      Run inspect = run("inspect", bad.toString());
      assertThat(inspect.code).as(inspect.err).isNotZero();
    }
    assertThat(run("inspect", npz.toString()).err).contains("has no manifest.json; it is not a bundle").doesNotContain("internal error");
    assertThat(dir.resolve("x.bundle")).doesNotExist();
  }

  static Tensor gaussian(long[] shape, long seed) {
    Random random = new Random(seed);
    float[] values = new float[Math.toIntExact(Tensor.elementCount(shape))];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return Tensor.ofFloats(shape, values);
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = PackagerCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  record Run(int code, String out, String err) {}
}
