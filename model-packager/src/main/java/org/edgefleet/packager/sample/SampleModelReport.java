package org.edgefleet.packager.sample;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link SampleModel#build} wrote and how well the model does on held-out rows.
 *
 * @param model       fp32 ONNX model
 * @param int8Model   int8 weight-only ONNX model
 * @param calibration feature-only CSV of training rows, for reference histograms
 * @param mlp         the trained network, for comparing against ONNX Runtime
 * @param fp32        held-out metrics of the fp32 model
 * @param int8        held-out metrics of the int8 model
 */
public record SampleModelReport(Path model, Path int8Model, Path calibration, Mlp mlp,
                int trainRows, int testRows,
                ClassificationMetrics fp32, ClassificationMetrics int8) {

  public SampleModelReport {
    Objects.requireNonNull(model, "model must not be null");
    Objects.requireNonNull(int8Model, "int8Model must not be null");
    Objects.requireNonNull(calibration, "calibration must not be null");
    Objects.requireNonNull(mlp, "mlp must not be null");
    Objects.requireNonNull(fp32, "fp32 must not be null");
    Objects.requireNonNull(int8, "int8 must not be null");
  }

  /** A few lines for the console. */
  public String summary() {
    return "trained " + mlp + " on " + trainRows + " rows, tested on " + testRows + " held-out rows\n"
        + "  fp32 " + model.getFileName() + ": " + fp32.summary() + "\n"
        + "  int8 " + int8Model.getFileName() + ": " + int8.summary() + "\n"
        + "  calibration: " + calibration.getFileName();
  }
}
