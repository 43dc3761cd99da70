package org.edgefleet.packager.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.edgefleet.packager.BundlePackager;
import org.edgefleet.packager.PackageResult;
import org.edgefleet.packager.stats.Binning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "package", sortOptions = false, header = "Package an ONNX model into a signed bundle.", description = {
    "Package an ONNX model into a signed bundle. Inputs, outputs, opset and quantization are read",
    "from the model; reference histograms come from the calibration CSV; test vectors are made by",
    "running the model in ONNX Runtime on calibration rows (or on --test-inputs)."})
final class PackageCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  private boolean help;

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "The ONNX model.")
  private Path model;

  @Option(names = "--name", required = true, description = "Model name: letters, digits, '.', '_', '-'.")
  private String name;

  @Option(names = "--version", required = true, paramLabel = "N",
      description = "Version, >= 1 and greater than every earlier version of this name (anti-rollback).")
  private int version;

  @Option(names = "--key", required = true, paramLabel = "FILE", description = "Private packager key file (from keygen).")
  private Path key;

  @Option(names = "--calibration", paramLabel = "CSV",
      description = "Calibration rows with a header: reference histograms, and test vector inputs.")
  private Path calibration;

  @Option(names = "--test-inputs", paramLabel = "CSV", description = "Rows to make test vectors from instead of calibration rows.")
  private Path testInputs;

  @Option(names = "--test-vectors", defaultValue = "5", paramLabel = "N",
      description = "Single-row test vectors to make, plus one batch of them all (default: ${DEFAULT-VALUE}).")
  private int testVectors;

  @Option(names = "--tolerance", defaultValue = "1e-4", description = "Absolute tolerance of test vectors (default: ${DEFAULT-VALUE}).")
  private double tolerance;

  @Option(names = "--bins", defaultValue = "10", description = "Histogram bins per feature (default: ${DEFAULT-VALUE}).")
  private int bins;

  @Option(names = "--binning", defaultValue = "quantile", description = "quantile or equal-width (default: ${DEFAULT-VALUE}).")
  private String binning;

  @Option(names = "--expires-in", defaultValue = "365d", converter = DurationConverter.class, paramLabel = "DURATION",
      description = "How long devices accept the bundle: e.g. 365d, 12h, P30D (default: ${DEFAULT-VALUE}).")
  private Duration expiresIn;

  @Option(names = "--out", paramLabel = "FILE", description = "The bundle to write (default: NAME-VERSION.bundle).")
  private Path out;

  @Option(names = "--description", description = "Free text for the manifest.")
  private String description;

  @Option(names = "--min-agent-version", defaultValue = BundlePackager.DEFAULT_MIN_AGENT_VERSION,
      description = "Oldest agent that can run the model (default: ${DEFAULT-VALUE}).")
  private String minAgentVersion;

  @Option(names = "--arch", split = ",", defaultValue = "x86_64,aarch64",
      description = "CPU architectures the model is for (default: ${DEFAULT-VALUE}).")
  private List<String> architectures;

  @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr.")
  private boolean quiet;

  @Override
  public Integer call() throws Exception {
    if (version < 1) {
      throw Inputs.usage(spec, "--version must be >= 1 (it is the anti-rollback counter), got " + version);
    }
    Inputs.existingFile(spec, "--model", model);
    Inputs.existingFile(spec, "--calibration", calibration);
    Inputs.existingFile(spec, "--test-inputs", testInputs);
    if (calibration == null && testInputs == null) {
      throw Inputs.usage(spec, "give --calibration (or at least --test-inputs): test vectors need real input rows");
    }
    PrintWriter err = spec.commandLine().getErr();
    BundlePackager.Builder builder = BundlePackager.builder()
        .model(model).name(name).version(version)
        .signingKey(Inputs.signingKey(spec, "--key", key))
        .testVectors(testVectors).tolerance(tolerance)
        .histograms(binning(), bins)
        .expiresIn(expiresIn)
        .runtime(minAgentVersion, architectures)
        .description(description)
        .progress(step -> {
          if (!quiet) {
            err.println("  " + step);
            err.flush();
          }
        });
    if (calibration != null) {
      builder.calibration(calibration);
    }
    if (testInputs != null) {
      builder.testInputs(testInputs);
    }
    Path target = out != null ? out : Path.of(name + "-" + version + ".bundle");
    PackageResult result = builder.build().writeTo(target);

    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf("wrote %s: %d bytes, sha256 %s%n", result.bundle(), result.size(), result.sha256());
    ManifestSummary.print(result.manifest(), stdout);
    return PackagerCli.OK;
  }

  private Binning binning() {
    return switch (binning.toLowerCase(Locale.ROOT)) {
      case "quantile" -> Binning.QUANTILE;
      case "equal-width" -> Binning.EQUAL_WIDTH;
      default -> throw Inputs.usage(spec, "--binning must be quantile or equal-width, got '" + binning + "'");
    };
  }
}
