package org.edgefleet.packager.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.edgefleet.packager.BundlePackager;
import org.edgefleet.packager.PackageResult;
import org.edgefleet.packager.feeds.DimValues;
import org.edgefleet.packager.quantize.QuantizationSidecar;
import org.edgefleet.packager.stats.Binning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "package", sortOptions = false, header = "Package an ONNX or TFLite model into a signed bundle.", description = {
    "Package a model into a signed bundle. The model is read first (its format from its content):",
    "inputs, outputs, opset and quantization come from it. Test vectors are made by running it on",
    "--test-inputs, else on --calibration data, else on inputs generated from its shapes and dtypes;",
    "reference statistics come from --calibration. Data files: CSV (tabular models), .npy, .npz, or",
    "NAME=FILE for one tensor's .npy or raw little-endian file."})
final class PackageCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  private boolean help;

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "The ONNX or TFLite model.")
  private Path model;

  @Option(names = "--name", required = true, description = "Model name: letters, digits, '.', '_', '-'.")
  private String name;

  @Option(names = "--version", required = true, paramLabel = "N",
      description = "Version, >= 1 and greater than every earlier version of this name (anti-rollback).")
  private int version;

  @Option(names = "--key", required = true, paramLabel = "FILE", description = "Private packager key file (from keygen).")
  private Path key;

  @Option(names = "--calibration", paramLabel = "FILE|NAME=FILE",
      description = "Calibration data (repeatable): reference statistics, and test vector inputs.")
  private List<String> calibration = new ArrayList<>();

  @Option(names = "--test-inputs", paramLabel = "FILE|NAME=FILE",
      description = "Inputs to make test vectors from instead of calibration data (repeatable).")
  private List<String> testInputs = new ArrayList<>();

  @Option(names = "--expected", paramLabel = "FILE|NAME=FILE",
      description = "Outputs the model must reproduce on the test inputs: an .npz by output name (repeatable).")
  private List<String> expected = new ArrayList<>();

  @Option(names = "--dim", paramLabel = "NAME=N",
      description = "Size of a dynamic dimension, by symbolic name or INPUT:AXIS (repeatable).")
  private List<String> dims = new ArrayList<>();

  @Option(names = "--raw-shape", paramLabel = "NAME=AxBxC", description = "Shape of a raw NAME=FILE (repeatable).")
  private List<String> rawShapes = new ArrayList<>();

  @Option(names = "--constant", paramLabel = "INPUT=VALUE",
      description = "An input that holds one value in every call, e.g. a sample rate (repeatable).")
  private List<String> constants = new ArrayList<>();

  @Option(names = "--lossy-cast", description = "Allow dtype conversions of the data that round (float64 to float32, ...).")
  private boolean lossyCast;

  @Option(names = "--state", paramLabel = "OUTPUT=INPUT",
      description = "Recurrent state: OUTPUT feeds INPUT of the next call (repeatable); test vectors become a sequence.")
  private List<String> state = new ArrayList<>();

  @Option(names = "--sequence-length", defaultValue = "5", paramLabel = "N",
      description = "Calls in the test sequence of a stateful model (default: ${DEFAULT-VALUE}).")
  private int sequenceLength;

  @Option(names = "--stats-axis", paramLabel = "INPUT=AXIS",
      description = "Reference statistics per channel on AXIS of INPUT, instead of one of all its values (repeatable).")
  private List<String> statsAxes = new ArrayList<>();

  @Option(names = "--seed", defaultValue = "42", description = "Seed of generated inputs (default: ${DEFAULT-VALUE}).")
  private long seed;

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
      description = "How long devices accept the bundle: e.g. 365d, 12h, 30m (default: ${DEFAULT-VALUE}).")
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
    PrintWriter err = spec.commandLine().getErr();
    BundlePackager.Builder builder = BundlePackager.builder()
        .model(model).name(name).version(version)
        .signingKey(Inputs.signingKey(spec, "--key", key))
        .testVectors(testVectors).tolerance(tolerance)
        .calibration(calibration).testInputs(testInputs).expected(expected)
        .dims(DimValues.parse(dims)).rawShapes(Pairs.shapes(spec, "--raw-shape", rawShapes)).lossyCast(lossyCast)
        .constants(Pairs.numbers(spec, "--constant", constants))
        .state(Pairs.map(spec, "--state", state), sequenceLength)
        .statsAxes(Pairs.integers(spec, "--stats-axis", statsAxes)).seed(seed)
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
    // The figures quantize measured, when the model is one it wrote; see docs/packager.md.
    QuantizationSidecar.readFor(model).ifPresent(builder::quantization);
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
