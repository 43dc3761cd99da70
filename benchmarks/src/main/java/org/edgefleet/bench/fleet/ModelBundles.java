package org.edgefleet.bench.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefleet.packager.BundlePackager;
import org.edgefleet.packager.sample.MlpTrainer;
import org.edgefleet.packager.sample.MotorDataGenerator;
import org.edgefleet.packager.sample.OnnxExporter;
import org.edgefleet.packager.sample.SampleModel;
import org.edgefleet.packager.sample.SampleModelReport;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;

/**
 * The models the benchmarks ship, packaged and signed the way an operator does it: the sample
 * motor-anomaly classifier, and a wide variant of it whose bundle has a chosen size.
 */
public final class ModelBundles {

  /** The model name every benchmark bundle carries. */
  public static final String MODEL = "motor-anomaly";
  /** The name of the model's input tensor. */
  public static final String INPUT = OnnxExporter.INPUT;

  // Floats per hidden unit of the wide MLP: 8 weights in, the bias, 2 weights out.
  private static final int FLOATS_PER_HIDDEN_UNIT = 11;
  private static final int TRAINING_ROWS = 400;

  private final Path dir;
  private final SigningKey key;
  private final SampleModelReport sample;

  private ModelBundles(Path dir, SigningKey key, SampleModelReport sample) {
    this.dir = dir;
    this.key = key;
    this.sample = sample;
  }

  /** Builds the sample model (under a second) and a packager key of its own. */
  public static ModelBundles create(Path dir) throws IOException {
    Path sampleDir = Files.createDirectories(dir.resolve("sample"));
    return new ModelBundles(dir, SigningKey.generate(KeyRole.PACKAGER), SampleModel.build(sampleDir, SampleModel.DEFAULT_SEED));
  }

  public SigningKey packagerKey() {
    return key;
  }

  /** The sample model's fp32 ONNX file, as {@code SampleModel.build} wrote it. */
  public Path sampleModelFile() {
    return sample.model();
  }

  /** The sample model (a few KiB) as a signed bundle. */
  public Path sampleBundle(int version) throws Exception {
    return packageModel(sample.model(), version);
  }

  /**
   * A real model of about {@code approxBytes}: the sample task with a hidden layer wide enough for
   * its weights to fill the bundle, trained briefly. It passes its own test vectors like any model;
   * it is not padding, so the agent verifies, installs and self-tests a model of that size.
   */
  public Path wideBundle(int version, int approxBytes) throws Exception {
    int hidden = Math.max(16, approxBytes / (Float.BYTES * FLOATS_PER_HIDDEN_UNIT));
    Path model = dir.resolve("wide-" + hidden + ".onnx");
    if (!Files.exists(model)) {
      OnnxExporter.forFeatures(MotorDataGenerator.featureNames()).write(MlpTrainer.create().withHiddenUnits(hidden)
          .withEpochs(1).withSeed(3).train(MotorDataGenerator.create().dataset(TRAINING_ROWS, 7)), model);
    }
    return packageModel(model, version);
  }

  private Path packageModel(Path model, int version) throws Exception {
    Path out = dir.resolve(MODEL + "-" + version + "-" + model.getFileName() + ".bundle");
    if (!Files.exists(out)) {
      BundlePackager.builder().model(model).name(MODEL).version(version).signingKey(key)
          .calibration(sample.calibration()).build().writeTo(out);
    }
    return out;
  }
}
