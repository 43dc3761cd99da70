package org.edgefleet.packager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.edgefleet.packager.csv.CsvTable;
import org.edgefleet.packager.onnx.ModelException;
import org.edgefleet.packager.onnx.OnnxModel;
import org.edgefleet.packager.stats.Binning;
import org.edgefleet.packager.stats.ReferenceHistograms;
import org.edgefleet.packager.vectors.TestVectors;
import org.edgefleet.protocol.bundle.BundleWriter;
import org.edgefleet.protocol.bundle.FeatureStats;
import org.edgefleet.protocol.bundle.FileEntry;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.SigningKey;

/**
 * Packages an ONNX model into a signed bundle. It reads inputs, outputs, opset and
 * quantization from the model itself, computes reference histograms from calibration rows,
 * makes test vectors by running the model in ONNX Runtime, and signs the manifest.
 *
 * <p>Statistics and test vectors need rows of the model's input, so the model must have one
 * float32 input of shape [batch, n]; its columns are named by the model's
 * {@code edgefleet.feature_names} metadata or else by the CSV header.
 *
 * <pre>{@code
 * PackageResult result = BundlePackager.builder()
 *     .model(Path.of("motor-anomaly.onnx")).name("motor-anomaly").version(3)
 *     .calibration(Path.of("calibration.csv")).signingKey(key)
 *     .build().writeTo(Path.of("motor-anomaly-3.bundle"));
 * }</pre>
 */
public final class BundlePackager {

  /** The model's path inside the bundle. */
  public static final String MODEL_PATH = "model.onnx";
  public static final int DEFAULT_TEST_VECTORS = 5;
  public static final Duration DEFAULT_EXPIRY = Duration.ofDays(365);
  public static final String DEFAULT_MIN_AGENT_VERSION = "0.1.0";
  /** CPU architectures ONNX Runtime's Java natives exist for. */
  public static final List<String> DEFAULT_ARCHITECTURES = List.of("x86_64", "aarch64");

  private final Settings config;

  private BundlePackager(Settings config) {
    this.config = config;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Writes the signed bundle to {@code out} (replacing it atomically) and returns its manifest. */
  public PackageResult writeTo(Path out) throws PackagingException, ModelException, IOException {
    progress("reading model " + config.model());
    Manifest manifest;
    try (OnnxModel model = OnnxModel.open(config.model())) {
      TensorSpec input = tabularInput(model);
      int width = input.shape().get(1).intValue();
      Rows calibration = Rows.load(config.calibrationFile(), config.calibrationTable(), "calibration data");
      Rows testInputs = Rows.load(config.testInputsFile(), config.testInputsTable(), "test inputs");
      Rows first = calibration != null ? calibration : testInputs;
      if (first == null) {
        throw new PackagingException("give calibration data or test inputs: test vectors need real input rows");
      }
      List<String> features = FeatureColumns.names(model.featureNames(), width, input.name(), first.table, first.source);

      List<FeatureStats> stats = List.of();
      float[][] calibrationRows = null;
      if (calibration != null) {
        calibrationRows = calibration.rows(features);
        progress("computing reference histograms over " + calibrationRows.length + " calibration rows");
        stats = ReferenceHistograms.of(config.binning(), config.bins()).compute(input.name(), features, calibrationRows);
      }
      float[][] vectorRows = testInputs != null ? testInputs.rows(features) : calibrationRows;
      progress("running the model in ONNX Runtime for test vectors");
      List<TestVector> vectors = TestVectors.generate(model, input.name(), spread(vectorRows, config.testVectors()), config.tolerance());

      progress("hashing " + config.model().getFileName());
      FileEntry modelEntry = BundleWriter.entryFor(MODEL_PATH, config.model());
      TensorSpec namedInput = new TensorSpec(input.name(), input.dtype(), input.shape(), features, null);
      manifest = manifest(model, List.of(namedInput), stats, vectors, modelEntry);
    }
    progress("signing with key " + config.key().keyId() + " and writing " + out);
    BundleWriter.write(manifest, Map.of(MODEL_PATH, config.model()), config.key(), out);
    return new PackageResult(out, manifest, Files.size(out), Sha256.hex(out));
  }

  private Manifest manifest(OnnxModel model, List<TensorSpec> inputs, List<FeatureStats> stats,
      List<TestVector> vectors, FileEntry modelEntry) throws PackagingException {
    Instant created = config.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    Integer opset = model.opset().isPresent() ? model.opset().getAsInt() : null;
    try {
      return new Manifest(Manifest.SCHEMA, config.name(), config.version(), ModelFormat.ONNX, MODEL_PATH,
          new Manifest.RuntimeRequirements(config.minAgentVersion(), config.architectures(), opset),
          inputs, model.outputs(), config.quantization() != null ? config.quantization() : model.quantization(),
          stats, vectors, List.of(modelEntry), created, created.plus(config.expiresIn()), config.key().keyId(), config.description());
    } catch (IllegalArgumentException e) {
      throw new PackagingException("invalid manifest: " + e.getMessage(), e);
    }
  }

  private static TensorSpec tabularInput(OnnxModel model) throws PackagingException {
    if (model.inputs().size() != 1) {
      throw new PackagingException("the model has " + model.inputs().size() + " inputs "
          + model.inputs().stream().map(TensorSpec::name).toList()
          + "; the packager derives test vectors and statistics for models with exactly one input");
    }
    TensorSpec input = model.inputs().get(0);
    List<Long> shape = input.shape();
    if (input.dtype() != DType.FLOAT32 || shape.size() != 2 || shape.get(1) < 1) {
      throw new PackagingException("input '" + input.name() + "' is " + input.dtype().wireName() + " " + shape
          + "; the packager needs a float32 input of shape [batch, n] with a fixed n");
    }
    return input;
  }

  /** {@code count} rows evenly spread over the table, so vectors cover more than its first lines. */
  private static float[][] spread(float[][] rows, int count) {
    int n = Math.min(count, rows.length);
    float[][] picked = new float[n][];
    for (int i = 0; i < n; i++) {
      picked[i] = rows[(int) ((long) i * rows.length / n)];
    }
    return picked;
  }

  private void progress(String step) {
    config.progress().accept(step);
  }

  /** A CSV table with the name to use for it in error messages. */
  private record Rows(CsvTable table, String source) {
    static Rows load(Path file, CsvTable table, String what) throws IOException {
      if (file != null) {
        return new Rows(CsvTable.read(file), file.toString());
      }
      return table == null ? null : new Rows(table, what);
    }

    float[][] rows(List<String> features) throws PackagingException {
      float[][] rows = FeatureColumns.rows(table, features, source);
      if (rows.length == 0) {
        throw new PackagingException(source + " has a header but no rows");
      }
      return rows;
    }
  }

  /** The builder's values, frozen by {@link Builder#build()}. */
  private record Settings(Path model, String name, int version, SigningKey key,
      Path calibrationFile, CsvTable calibrationTable, Path testInputsFile, CsvTable testInputsTable,
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
    private Path calibrationFile;
    private CsvTable calibrationTable;
    private Path testInputsFile;
    private CsvTable testInputsTable;
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

    /** The ONNX model file. */
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

    /** Calibration CSV: reference histograms, and test vector inputs unless test inputs are given. */
    public Builder calibration(Path csv) {
      this.calibrationFile = Objects.requireNonNull(csv, "calibration must not be null");
      this.calibrationTable = null;
      return this;
    }

    public Builder calibration(CsvTable table) {
      this.calibrationTable = Objects.requireNonNull(table, "calibration must not be null");
      this.calibrationFile = null;
      return this;
    }

    /** Rows to make test vectors from, instead of calibration rows. */
    public Builder testInputs(Path csv) {
      this.testInputsFile = Objects.requireNonNull(csv, "test inputs must not be null");
      this.testInputsTable = null;
      return this;
    }

    public Builder testInputs(CsvTable table) {
      this.testInputsTable = Objects.requireNonNull(table, "test inputs must not be null");
      this.testInputsFile = null;
      return this;
    }

    /** How many single-row vectors to make (plus one batch of them all); default 5. */
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
      require(tolerance >= 0 && Double.isFinite(tolerance), "tolerance must be a finite number >= 0, got " + tolerance);
      require(bins >= 1 && bins <= ReferenceHistograms.MAX_BINS,
          "bins must be between 1 and " + ReferenceHistograms.MAX_BINS + ", got " + bins);
      require(!expiresIn.isNegative() && !expiresIn.isZero(), "expiry must be a positive duration, got " + expiresIn);
      require(Files.isRegularFile(model), "model file " + model + " does not exist or is not a file");
      return new BundlePackager(new Settings(model, name, version, key, calibrationFile, calibrationTable,
          testInputsFile, testInputsTable, testVectors, binning, bins, tolerance, expiresIn, clock,
          minAgentVersion, architectures, quantization, description, progress));
    }

    private static void require(boolean condition, String message) throws PackagingException {
      if (!condition) {
        throw new PackagingException(message);
      }
    }
  }
}
