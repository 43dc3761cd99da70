package org.edgefleet.packager.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the sample motor-anomaly classifier end to end: generates data, trains, evaluates on
 * a held-out split, and writes the fp32 and int8 ONNX models and a calibration CSV. Everything
 * follows from the seed, so the same seed writes byte-identical files.
 */
public final class SampleModel {

  public static final String MODEL_FILE = "motor-anomaly.onnx";
  public static final String INT8_MODEL_FILE = "motor-anomaly-int8.onnx";
  public static final String CALIBRATION_FILE = "calibration.csv";
  public static final long DEFAULT_SEED = 42;

  static final int DATASET_ROWS = 10_000;
  static final double TEST_FRACTION = 0.2;
  static final int CALIBRATION_ROWS = 4_000;

  private SampleModel() {
  }

  /**
   * Writes {@value #MODEL_FILE}, {@value #INT8_MODEL_FILE} and {@value #CALIBRATION_FILE}
   * into {@code outDir} (created if missing) and returns the held-out metrics.
   */
  public static SampleModelReport build(Path outDir, long seed) throws IOException {
    Files.createDirectories(outDir);
    MotorDataset data = MotorDataGenerator.create().dataset(DATASET_ROWS, seed);
    MotorDataset.Split split = data.split(TEST_FRACTION, seed);
    Mlp mlp = MlpTrainer.create().withSeed(seed).train(split.train());

    float[][] testRows = split.test().features();
    int[] testLabels = split.test().labels();
    ClassificationMetrics fp32 = ClassificationMetrics.of(mlp.predict(testRows), testLabels);
    ClassificationMetrics int8 = ClassificationMetrics.of(mlp.withInt8Weights().predict(testRows), testLabels);

    OnnxExporter exporter = OnnxExporter.forFeatures(MotorFeature.names()).withDescription(
        "EdgeFleet sample: motor fault classifier (vibration, temperature, current, speed). "
            + "Input: raw features " + MotorFeature.names() + ". Outputs: probabilities of [normal, fault], label.");
    Path model = outDir.resolve(MODEL_FILE);
    Path int8Model = outDir.resolve(INT8_MODEL_FILE);
    Path calibration = outDir.resolve(CALIBRATION_FILE);
    exporter.write(mlp, model);
    exporter.withPrecision(WeightPrecision.INT8).write(mlp, int8Model);
    // Reference statistics for drift must describe what the model was trained on.
    MotorCsv.writeFeatures(calibration, split.train().head(CALIBRATION_ROWS));

    return new SampleModelReport(model, int8Model, calibration, mlp,
        split.train().size(), split.test().size(), fp32, int8);
  }
}
