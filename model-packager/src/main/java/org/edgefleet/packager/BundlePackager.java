package org.edgefleet.packager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.edgefleet.packager.csv.CsvTable;
import org.edgefleet.packager.feeds.DimValues;
import org.edgefleet.packager.feeds.GeneratedFeeds;
import org.edgefleet.packager.model.LoadedModel;
import org.edgefleet.packager.model.ModelFiles;
import org.edgefleet.packager.onnx.ModelException;
import org.edgefleet.packager.stats.Binning;
import org.edgefleet.packager.stats.InputSummaries;
import org.edgefleet.packager.stats.ReferenceHistograms;
import org.edgefleet.packager.vectors.TestVectors;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.bundle.BundleWriter;
import org.edgefleet.protocol.bundle.FeatureStats;
import org.edgefleet.protocol.bundle.FileEntry;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.SigningKey;

/**
 * Packages a model (ONNX or TFLite, told from the file's content) into a signed bundle. It reads
 * inputs, outputs, opset and quantization from the model first, then fits the user's data to it:
 * test vectors come from test inputs (or calibration data, or, with no data at all, inputs
 * generated from the declared shapes and dtypes), reference statistics from calibration data.
 * Expected outputs, when given, must be reproduced within the tolerance; stateful models get a
 * test sequence whose state outputs feed the next call's state inputs.
 *
 * <pre>{@code
 * PackageResult result = BundlePackager.builder()
 *     .model(Path.of("motor-anomaly.onnx")).name("motor-anomaly").version(3)
 *     .calibration(Path.of("calibration.csv")).signingKey(key)
 *     .build().writeTo(Path.of("motor-anomaly-3.bundle"));
 * }</pre>
 */
public final class BundlePackager {

  public static final int DEFAULT_TEST_VECTORS = 5;
  public static final Duration DEFAULT_EXPIRY = Duration.ofDays(365);
  public static final String DEFAULT_MIN_AGENT_VERSION = "0.1.0";
  /** CPU architectures ONNX Runtime's and TFLite's Java natives exist for. */
  public static final List<String> DEFAULT_ARCHITECTURES = List.of("x86_64", "aarch64");

  private final Settings config;

  private BundlePackager(Settings config) {
    this.config = config;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The model's path inside a bundle of that format. */
  public static String modelPath(ModelFormat format) {
    return format == ModelFormat.TFLITE ? "model.tflite" : "model.onnx";
  }

  /** Writes the signed bundle to {@code out} (replacing it atomically) and returns its manifest. */
  public PackageResult writeTo(Path out) throws PackagingException, ModelException, IOException {
    Manifest manifest;
    String modelPath;
    try (LoadedModel model = ModelFiles.open(config.model())) {
      modelPath = modelPath(model.format());
      progress("read " + config.model() + ": " + model.format().wireName() + ", " + model.inputs().size() + " input(s), "
          + model.outputs().size() + " output(s)" + nameNote(model.format()));
      Map<String, String> stateFrom = StatePairs.check(config.state(), model);
      ModelData data = new ModelData(model, config.dims(), config.lossyCast(), config.rawShapes(), config.constants());
      ModelData.Calls calibration = data.inputs(config.calibration(), stateFrom.keySet());
      ModelData.Calls testInputs = data.inputs(config.testInputs(), stateFrom.keySet());
      ModelData.Calls given = testInputs != null ? testInputs : calibration;
      int wanted = stateFrom.isEmpty() ? config.testVectors() : config.sequenceLength();
      List<Map<String, Tensor>> calls;
      String note = null;
      if (given == null) {
        if (config.expected() != null) {
          throw new PackagingException("--expected needs the inputs those outputs belong to: give --test-inputs");
        }
        note = GeneratedFeeds.NOTE;
        progress("no input data: " + note);
        // Recurrent state starts at zeros, as an application starts it, not at random values.
        Map<String, Double> fixed = new HashMap<>(config.constants());
        stateFrom.keySet().forEach(input -> fixed.putIfAbsent(input, 0.0));
        calls = GeneratedFeeds.generate(model.inputs(), config.dims(), fixed, wanted, config.seed());
      } else {
        calls = given.calls();
        data.checkExpected(config.expected(), calls, stateFrom, config.tolerance(), config.progress());
      }
      List<String> csvFeatures = given != null ? given.features() : List.of();
      List<TensorSpec> inputs = data.describedInputs(calibration != null && !calibration.features().isEmpty()
          ? calibration.features() : csvFeatures);

      progress("running the model in " + ModelFiles.runtimeName(model.format()) + " for test vectors");
      List<TestVector> vectors = stateFrom.isEmpty()
          ? TestVectors.generate(model, spread(calls, wanted), config.tolerance())
          : TestVectors.sequence(model, calls.subList(0, Math.min(wanted, calls.size())), stateFrom, config.tolerance());
      DeviceLimits.requireFinite(vectors);

      List<FeatureStats> stats = List.of();
      if (calibration != null) {
        progress("computing reference statistics over " + calibration.calls().size() + " calibration samples");
        // Recurrent state is the model's own output, not data from the field: no drift baseline for it.
        List<TensorSpec> observed = inputs.stream().filter(in -> !stateFrom.containsKey(in.name())).toList();
        stats = new InputSummaries(ReferenceHistograms.of(config.binning(), config.bins()), config.statsAxes())
            .compute(observed, calibration.calls());
      } else if (!config.statsAxes().isEmpty()) {
        throw new PackagingException("--stats-axis chooses how calibration data is summarised: give --calibration");
      } else {
        progress("no calibration data: no reference statistics (drift is measured once a version brings them)");
      }
      progress("hashing " + config.model().getFileName());
      FileEntry modelEntry = BundleWriter.entryFor(modelPath, config.model());
      manifest = manifest(model, inputs, stats, vectors, modelEntry, note);
    }
    DeviceLimits.requireFits(manifest);
    progress("signing with key " + config.key().keyId() + " and writing " + out);
    BundleWriter.write(manifest, Map.of(modelPath, config.model()), config.key(), out);
    return new PackageResult(out, manifest, Files.size(out), Sha256.hex(out));
  }

  private Manifest manifest(LoadedModel model, List<TensorSpec> inputs, List<FeatureStats> stats,
      List<TestVector> vectors, FileEntry modelEntry, String note) throws PackagingException {
    Instant created = config.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    Integer opset = model.opset().isPresent() ? model.opset().getAsInt() : null;
    String description = note == null ? config.description()
        : config.description() == null ? note : config.description() + " (" + note + ")";
    try {
      return new Manifest(Manifest.SCHEMA, config.name(), config.version(), model.format(), modelEntry.path(),
          new Manifest.RuntimeRequirements(config.minAgentVersion(), config.architectures(), opset),
          inputs, model.outputs(), config.quantization() != null ? config.quantization() : model.quantization(),
          stats, vectors, List.of(modelEntry), created, created.plus(config.expiresIn()), config.key().keyId(), description);
    } catch (IllegalArgumentException e) {
      throw new PackagingException("invalid manifest: " + e.getMessage(), e);
    }
  }

  private String nameNote(ModelFormat format) {
    ModelFormat claimed = ModelFiles.claimedByName(config.model());
    return claimed != null && claimed != format ? " (its name says " + claimed.wireName() + "; its content decides)" : "";
  }

  /** {@code count} calls evenly spread over the data, so vectors cover more than its first samples. */
  private static List<Map<String, Tensor>> spread(List<Map<String, Tensor>> calls, int count) {
    int n = Math.min(count, calls.size());
    List<Map<String, Tensor>> picked = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      picked.add(calls.get((int) ((long) i * calls.size() / n)));
    }
    return picked;
  }

  private void progress(String step) {
    config.progress().accept(step);
  }

  /** The builder's values, frozen by {@link Builder#build()}. */
  private record Settings(Path model, String name, int version, SigningKey key,
      ModelData.Source calibration, ModelData.Source testInputs, ModelData.Source expected,
      DimValues dims, boolean lossyCast, Map<String, long[]> rawShapes, Map<String, Double> constants, Map<String, String> state, int sequenceLength,
      Map<String, Integer> statsAxes, long seed,
      int testVectors, Binning binning, int bins, double tolerance, Duration expiresIn, Clock clock,
      String minAgentVersion, List<String> architectures, Manifest.Quantization quantization,
      String description, Consumer<String> progress) {}

  /**
   * Collects the packager's settings. {@link #build()} checks the required ones (model, name,
   * version, signing key) and names any that are missing.
   */
  public static final class Builder {
    private Path model;
    private String name;
    private int version;
    private SigningKey key;
    private ModelData.Source calibration;
    private ModelData.Source testInputs;
    private ModelData.Source expected;
    private DimValues dims = DimValues.NONE;
    private boolean lossyCast;
    private Map<String, long[]> rawShapes = Map.of();
    private Map<String, Double> constants = Map.of();
    private Map<String, String> state = Map.of();
    private int sequenceLength = DEFAULT_TEST_VECTORS;
    private Map<String, Integer> statsAxes = Map.of();
    private long seed = GeneratedFeeds.DEFAULT_SEED;
    private int testVectors = DEFAULT_TEST_VECTORS;
    private Binning binning = Binning.QUANTILE;
    private int bins = ReferenceHistograms.DEFAULT_BINS;
    private double tolerance = TestVectors.DEFAULT_TOLERANCE;
    private Duration expiresIn = DEFAULT_EXPIRY;
    private Clock clock = Clock.systemUTC();
    private String minAgentVersion = DEFAULT_MIN_AGENT_VERSION;
    private List<String> architectures = DEFAULT_ARCHITECTURES;
    private Manifest.Quantization quantization;
    private String description;
    private Consumer<String> progress = step -> { };

    private Builder() {}

    /** The model file, ONNX or TFLite (told from its content). */
    public Builder model(Path file) {
      this.model = Objects.requireNonNull(file, "model must not be null");
      return this;
    }

    public Builder name(String modelName) {
      this.name = Objects.requireNonNull(modelName, "name must not be null");
      return this;
    }

    /** The anti-rollback counter, >= 1 and greater than every earlier version of this name. */
    public Builder version(int modelVersion) {
      this.version = modelVersion;
      return this;
    }

    /** A packager key; its id goes into the manifest. */
    public Builder signingKey(SigningKey signingKey) {
      this.key = Objects.requireNonNull(signingKey, "signing key must not be null");
      return this;
    }

    /** Calibration data: reference statistics, and test vector inputs unless test inputs are given. */
    public Builder calibration(Path file) {
      return calibration(List.of(Objects.requireNonNull(file, "calibration must not be null").toString()));
    }

    /** Calibration files: CSV, .npy, .npz, or {@code NAME=FILE} (a .npy or raw file for one input). */
    public Builder calibration(List<String> files) {
      this.calibration = ModelData.Source.files(files, "calibration data");
      return this;
    }

    public Builder calibration(CsvTable table) {
      this.calibration = ModelData.Source.table(Objects.requireNonNull(table, "calibration must not be null"), "calibration data");
      return this;
    }

    /** Inputs to make test vectors from, instead of calibration data. */
    public Builder testInputs(Path file) {
      return testInputs(List.of(Objects.requireNonNull(file, "test inputs must not be null").toString()));
    }

    /** Test input files, as for {@link #calibration(List)}. */
    public Builder testInputs(List<String> files) {
      this.testInputs = ModelData.Source.files(files, "test inputs");
      return this;
    }

    public Builder testInputs(CsvTable table) {
      this.testInputs = ModelData.Source.table(Objects.requireNonNull(table, "test inputs must not be null"), "test inputs");
      return this;
    }

    /** Outputs the model must reproduce on the test inputs (an .npz by output name, or {@code NAME=FILE}). */
    public Builder expected(List<String> files) {
      this.expected = ModelData.Source.files(files, "expected outputs");
      return this;
    }

    /** Sizes of dynamic dimensions, by symbolic name or {@code INPUT:AXIS}. */
    public Builder dims(DimValues values) {
      this.dims = Objects.requireNonNull(values, "dims must not be null");
      return this;
    }

    /** Allow conversions to the model's dtypes that round (float64 data, floats into integer inputs). */
    public Builder lossyCast(boolean allowed) {
      this.lossyCast = allowed;
      return this;
    }

    /** Shapes of raw (headerless) files given as {@code NAME=FILE}, by tensor name. */
    public Builder rawShapes(Map<String, long[]> shapes) {
      this.rawShapes = Map.copyOf(shapes);
      return this;
    }

    /** Inputs that hold one value everywhere ({@code sr = 16000}), with or without data for the others. */
    public Builder constants(Map<String, Double> values) {
      this.constants = Map.copyOf(values);
      return this;
    }

    /**
     * Recurrent state: each output (key) feeds the input (value) of the next call. Test vectors
     * become one sequence of {@code length} calls, which devices run in order.
     */
    public Builder state(Map<String, String> outputToInput, int length) {
      this.state = Map.copyOf(outputToInput);
      this.sequenceLength = length;
      return this;
    }

    /** Per-channel reference statistics on this axis of the named inputs. */
    public Builder statsAxes(Map<String, Integer> axes) {
      this.statsAxes = Map.copyOf(axes);
      return this;
    }

    /** Seed of generated inputs, when there is no data. */
    public Builder seed(long generatorSeed) {
      this.seed = generatorSeed;
      return this;
    }

    /** How many test vectors to make (plus one batch of them all when the inputs batch); default 5. */
    public Builder testVectors(int count) {
      this.testVectors = count;
      return this;
    }

    public Builder tolerance(double absoluteTolerance) {
      this.tolerance = absoluteTolerance;
      return this;
    }

    public Builder histograms(Binning binningStrategy, int binCount) {
      this.binning = Objects.requireNonNull(binningStrategy, "binning must not be null");
      this.bins = binCount;
      return this;
    }

    public Builder expiresIn(Duration duration) {
      this.expiresIn = Objects.requireNonNull(duration, "expiry must not be null");
      return this;
    }

    /** The clock creation and expiry times come from; tests pass a fixed one. */
    public Builder clock(Clock source) {
      this.clock = Objects.requireNonNull(source, "clock must not be null");
      return this;
    }

    public Builder runtime(String minimumAgentVersion, List<String> cpuArchitectures) {
      this.minAgentVersion = Objects.requireNonNull(minimumAgentVersion, "minimum agent version must not be null");
      this.architectures = List.copyOf(cpuArchitectures);
      return this;
    }

    /** Overrides the quantization read from the model, for schemes the detector does not know. */
    public Builder quantization(Manifest.Quantization override) {
      this.quantization = Objects.requireNonNull(override, "quantization must not be null");
      return this;
    }

    public Builder description(String text) {
      this.description = text;
      return this;
    }

    /** Receives one line per packaging step, for progress output. */
    public Builder progress(Consumer<String> listener) {
      this.progress = Objects.requireNonNull(listener, "progress listener must not be null");
      return this;
    }

    public BundlePackager build() throws PackagingException {
      require(model != null, "model must be set");
      require(name != null, "name must be set");
      require(version >= 1, "version must be >= 1 (it is the anti-rollback counter), got " + version);
      require(key != null, "signing key must be set");
      require(key.publicKey().role() == KeyRole.PACKAGER,
          "bundles are signed with a packager key; key " + key.keyId() + " is a " + key.publicKey().role().wireName() + " key");
      require(testVectors >= 1, "test vector count must be >= 1, got " + testVectors);
      require(sequenceLength >= 1 && sequenceLength <= BundleLimits.DEFAULT.maxTestVectors(),
          "sequence length must be between 1 and " + BundleLimits.DEFAULT.maxTestVectors() + ", got " + sequenceLength);
      require(tolerance >= 0 && Double.isFinite(tolerance), "tolerance must be a finite number >= 0, got " + tolerance);
      require(bins >= 1 && bins <= ReferenceHistograms.MAX_BINS,
          "bins must be between 1 and " + ReferenceHistograms.MAX_BINS + ", got " + bins);
      require(!expiresIn.isNegative() && !expiresIn.isZero(), "expiry must be a positive duration, got " + expiresIn);
      require(Files.isRegularFile(model), "model file " + model + " does not exist or is not a file");
      return new BundlePackager(new Settings(model, name, version, key, calibration, testInputs, expected,
          dims, lossyCast, rawShapes, constants, state, sequenceLength, statsAxes, seed, testVectors, binning, bins, tolerance,
          expiresIn, clock, minAgentVersion, architectures, quantization, description, progress));
    }

    private static void require(boolean condition, String message) throws PackagingException {
      if (!condition) {
        throw new PackagingException(message);
      }
    }
  }
}
