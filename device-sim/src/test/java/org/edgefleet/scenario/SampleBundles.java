package org.edgefleet.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.edgefleet.packager.BundlePackager;
import org.edgefleet.packager.sample.MlpTrainer;
import org.edgefleet.packager.sample.MotorDataGenerator;
import org.edgefleet.packager.sample.MotorDataset;
import org.edgefleet.packager.sample.OnnxExporter;
import org.edgefleet.packager.sample.SampleModel;
import org.edgefleet.packager.sample.SampleModelReport;
import org.edgefleet.protocol.trust.SigningKey;

/** Signed bundles of the sample model, packaged the way an operator does it. */
final class SampleBundles {

  static final String MODEL = "motor-anomaly";

  private final Path dir;
  private final SigningKey key;
  private final SampleModelReport sample;

  private SampleBundles(Path dir, SigningKey key, SampleModelReport sample) {
    this.dir = dir;
    this.key = key;
    this.sample = sample;
  }

  static SampleBundles create(Path dir, SigningKey key) throws IOException {
    return new SampleBundles(dir, key, SampleModel.build(Files.createDirectories(dir.resolve("sample")), SampleModel.DEFAULT_SEED));
  }

  /** The sample model (a few KiB) at the given version. */
  Path bundle(int version) throws Exception {
    return packageModel(sample.model(), version);
  }

  /**
   * A sample-task model with a wide hidden layer, so its bundle is about {@code approxBytes}:
   * for transfers that take many chunks. Trained briefly; it is a real model that passes its
   * own test vectors, not padding.
   */
  Path largeBundle(int version, int approxBytes) throws Exception {
    int hidden = Math.max(16, approxBytes / (4 * 11));
    MotorDataset data = MotorDataGenerator.create().dataset(400, 7);
    Path model = dir.resolve("wide-" + hidden + ".onnx");
    if (!Files.exists(model)) {
      OnnxExporter.forFeatures(MotorDataGenerator.featureNames())
          .write(MlpTrainer.create().withHiddenUnits(hidden).withEpochs(1).withSeed(3).train(data), model);
    }
    return packageModel(model, version);
  }

  /** The sample model at the given version, for agents of at least {@code minAgentVersion} on the given CPUs. */
  Path bundleRequiring(int version, String minAgentVersion, List<String> architectures) throws Exception {
    Path out = dir.resolve(MODEL + "-" + version + "-requiring-" + minAgentVersion + ".bundle");
    BundlePackager.builder().model(sample.model()).name(MODEL).version(version).signingKey(key)
        .calibration(sample.calibration()).runtime(minAgentVersion, architectures).build().writeTo(out);
    return out;
  }

  /** The sample model at the given version with a manifest description, for pages that show it. */
  Path bundleDescribed(int version, String description) throws Exception {
    Path out = dir.resolve(MODEL + "-" + version + "-described.bundle");
    BundlePackager.builder().model(sample.model()).name(MODEL).version(version).signingKey(key)
        .calibration(sample.calibration()).description(description).build().writeTo(out);
    return out;
  }

  private Path packageModel(Path model, int version) throws Exception {
    Path out = dir.resolve(MODEL + "-" + version + "-" + model.getFileName() + ".bundle");
    BundlePackager.builder().model(model).name(MODEL).version(version).signingKey(key)
        .calibration(sample.calibration()).build().writeTo(out);
    return out;
  }
}
