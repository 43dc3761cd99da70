package org.edgefleet.packager.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.edgefleet.packager.sample.SampleModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI in process, through the same command line {@code main} runs. */
class PackagerCliTest {

  @TempDir
  static Path work;

  @TempDir
  Path dir;

  private static Path model;
  private static Path calibration;
  private static Path key;
  private static Path pub;
  private static Path bundle;

  /** The operator's story: keygen, sample, package; the tests then verify and inspect. */
  @BeforeAll
  static void keygenSamplePackage() {
    Run keygen = run("keygen", "--out-dir", work.resolve("keys").toString(), "--name", "ops");
    assertThat(keygen.code).as(keygen.err).isZero();
    assertThat(keygen.out).startsWith("packager key ");
    key = work.resolve("keys/ops.key");
    pub = work.resolve("keys/ops.pub");

    Run sample = run("sample", "--out", work.resolve("sample").toString(), "--seed", "42");
    assertThat(sample.code).as(sample.err).isZero();
    assertThat(sample.out).contains("fp32 motor-anomaly.onnx: accuracy 0.9");
    model = work.resolve("sample").resolve(SampleModel.MODEL_FILE);
    calibration = work.resolve("sample").resolve(SampleModel.CALIBRATION_FILE);

    bundle = work.resolve("motor-anomaly-1.bundle");
    Run pack = run("package", "--model", model.toString(), "--name", "motor-anomaly", "--version", "1",
        "--calibration", calibration.toString(), "--key", key.toString(), "--expires-in", "90d",
        "--out", bundle.toString(), "--description", "sample");
    assertThat(pack.code).as(pack.err).isZero();
    assertThat(pack.out).startsWith("wrote " + bundle).contains("motor-anomaly version 1", "test vectors: 6");
    assertThat(pack.err).contains("running the model in ONNX Runtime for test vectors");
  }

  @Test
  void verifyAcceptsTheBundleWithTheRightKey() {
    Run verify = run("verify", "--bundle", bundle.toString(), "--trust", pub.toString());

    assertThat(verify.code).as(verify.err).isZero();
    assertThat(verify.out).startsWith("OK: motor-anomaly version 1, signed by trusted key ")
        .contains("test vectors: 6 passed in ONNX Runtime");
  }

  @Test
  void inspectShowsTheManifest() {
    Run inspect = run("inspect", "--bundle", bundle.toString());

    assertThat(inspect.code).isZero();
    assertThat(inspect.out).startsWith("(unverified) ")
        .contains("input:        features float32 [batch, 8] features [vib_rms_x,", "quantization: none",
            "vib_kurtosis", "runtime:      agent >= 0.1.0, x86_64/aarch64, opset 13", "description:  sample");
    Run json = run("inspect", "--bundle", bundle.toString(), "--json");
    assertThat(json.out).contains("\"testVectors\" : [", "\"binEdges\" : [");
  }

  @Test
  void verifyFailsWithExitCode1AndTheReasonForAnUntrustedKey() {
    Run other = run("keygen", "--out-dir", dir.toString(), "--name", "other");
    assertThat(other.code).isZero();

    Run verify = run("verify", "--bundle", bundle.toString(), "--trust", dir.resolve("other.pub").toString());

    assertThat(verify.code).isEqualTo(PackagerCli.FAILED);
    assertThat(verify.err).startsWith("verification failed: UNKNOWN_KEY: key ").contains("is not trusted here");
    assertThat(verify.out).isEmpty();
  }

  @Test
  void verifyFailsWithExitCode1ForATamperedBundle() throws Exception {
    Path tampered = dir.resolve("tampered.bundle");
    try (ZipFile in = new ZipFile(bundle.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tampered))) {
      for (ZipEntry e : Collections.list(in.entries())) {
        byte[] bytes = in.getInputStream(e).readAllBytes();
        if (e.getName().equals("manifest.json")) {
          bytes = new String(bytes, UTF_8)
              .replace("\"version\" : 1,", "\"version\" : 9,").getBytes(UTF_8);
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(bytes);
        out.closeEntry();
      }
    }

    Run verify = run("verify", "--bundle", tampered.toString(), "--trust", pub.toString());

    assertThat(verify.code).isEqualTo(PackagerCli.FAILED);
    assertThat(verify.err).startsWith("verification failed: BAD_SIGNATURE: signature does not verify with key ");
  }

  @Test
  void aMissingModelFileIsAUsageError() {
    Run pack = packageWith("--model", dir.resolve("nope.onnx").toString(), "--version", "2", "--calibration", calibration.toString());

    assertThat(pack.code).isEqualTo(PackagerCli.USAGE);
    assertThat(pack.err).startsWith("error: --model: ").contains("nope.onnx does not exist")
        .contains("Run 'model-packager package --help' for the options.");
  }

  @Test
  void aCsvWithTheWrongColumnsIsAUsageError() throws Exception {
    Path csv = Files.writeString(dir.resolve("bad.csv"), "speed,temp\n1500,40\n");

    Run pack = packageWith("--model", model.toString(), "--version", "2", "--calibration", csv.toString());

    assertThat(pack.code).isEqualTo(PackagerCli.USAGE);
    assertThat(pack.err).contains("error: " + csv + " has the columns [speed, temp] but the model's features are [vib_rms_x,");
  }

  @Test
  void aMalformedCsvIsAUsageErrorNamingTheLine() throws Exception {
    Path csv = Files.writeString(dir.resolve("bad.csv"), "a,b\n1,2\n3\n");

    Run pack = packageWith("--model", model.toString(), "--version", "2", "--calibration", csv.toString());

    assertThat(pack.code).isEqualTo(PackagerCli.USAGE);
    assertThat(pack.err).contains("error: " + csv + ", line 3: expected 2 columns [a, b] but found 1");
  }

  @Test
  void aVersionBelowOneIsAUsageError() {
    Run pack = packageWith("--model", model.toString(), "--version", "-3", "--calibration", calibration.toString());

    assertThat(pack.code).isEqualTo(PackagerCli.USAGE);
    assertThat(pack.err).startsWith("error: --version must be >= 1 (it is the anti-rollback counter), got -3");
  }

  @Test
  void aPublicKeyCannotSign() {
    Run pack = run("package", "--model", model.toString(), "--name", "m", "--version", "1",
        "--calibration", calibration.toString(), "--key", pub.toString(), "--out", dir.resolve("m.bundle").toString());

    assertThat(pack.code).isEqualTo(PackagerCli.USAGE);
    assertThat(pack.err).startsWith("error: --key: ").contains("is not a private key file");
  }

  @Test
  void missingOptionsAndUnknownCommandsAreUsageErrors() {
    assertThat(run("package", "--model", model.toString()).code).isEqualTo(PackagerCli.USAGE);
    Run unknown = run("publish");
    assertThat(unknown.code).isEqualTo(PackagerCli.USAGE);
    assertThat(unknown.err).contains("publish");
    assertThat(run().code).isEqualTo(PackagerCli.USAGE);
    assertThat(run("verify", "--bundle", dir.resolve("none.bundle").toString(), "--trust", pub.toString()).code)
        .isEqualTo(PackagerCli.USAGE);
    assertThat(run("package", "--help").code).isZero();
  }

  @Test
  void keygenDoesNotOverwriteKeysUnlessForced() {
    assertThat(run("keygen", "--out-dir", dir.toString()).code).isZero();

    Run again = run("keygen", "--out-dir", dir.toString());

    assertThat(again.code).isEqualTo(PackagerCli.USAGE);
    assertThat(again.err).contains("packager.key already exists (use --force to replace it)");
    assertThat(run("keygen", "--out-dir", dir.toString(), "--force").code).isZero();
  }

  private Run packageWith(String... options) {
    String[] args = new String[options.length + 7];
    args[0] = "package";
    args[1] = "--name";
    args[2] = "motor-anomaly";
    args[3] = "--key";
    args[4] = key.toString();
    args[5] = "--out";
    args[6] = dir.resolve("out.bundle").toString();
    System.arraycopy(options, 0, args, 7, options.length);
    return run(args);
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = PackagerCli.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private record Run(int code, String out, String err) {}
}
