package org.edgefleet.packager.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefleet.packager.csv.CsvTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleModelTest {

  @TempDir
  Path dir;

  @Test
  void buildsModelsAndCalibrationDataThatWorkInOnnxRuntime() throws Exception {
    SampleModelReport report = SampleModel.build(dir.resolve("out"), SampleModel.DEFAULT_SEED);

    assertThat(report.model()).isEqualTo(dir.resolve("out").resolve(SampleModel.MODEL_FILE)).isRegularFile();
    assertThat(report.int8Model()).isRegularFile();
    assertThat(report.trainRows() + report.testRows()).isEqualTo(SampleModel.DATASET_ROWS);
    assertThat(report.fp32().accuracy()).isGreaterThan(0.92);
    assertThat(report.fp32().precision()).isGreaterThan(0.8);
    assertThat(report.fp32().recall()).isGreaterThan(0.55);
    assertThat(report.int8().accuracy()).isGreaterThan(report.fp32().accuracy() - 0.01);

    CsvTable calibration = CsvTable.read(report.calibration());
    assertThat(calibration.columns()).isEqualTo(MotorFeature.names());
    assertThat(calibration.rowCount()).isEqualTo(SampleModel.CALIBRATION_ROWS);

    // Fresh rows from the same generator, classified by ONNX Runtime from the written file.
    MotorDataset fresh = MotorDataGenerator.create().dataset(3_000, 1234);
    try (OrtModel ort = new OrtModel(report.model())) {
      int[] predicted = ort.run(fresh.features()).labelsAsInts();
      assertThat(ClassificationMetrics.of(predicted, fresh.labels()).accuracy()).isGreaterThan(0.92);
    }
    assertThat(report.summary()).contains("accuracy", SampleModel.MODEL_FILE, SampleModel.INT8_MODEL_FILE);
  }

  @Test
  void theSameSeedWritesIdenticalFiles() throws Exception {
    SampleModelReport first = SampleModel.build(dir.resolve("a"), 5);
    SampleModelReport second = SampleModel.build(dir.resolve("b"), 5);

    assertThat(Files.mismatch(first.model(), second.model())).isEqualTo(-1);
    assertThat(Files.mismatch(first.int8Model(), second.int8Model())).isEqualTo(-1);
    assertThat(Files.mismatch(first.calibration(), second.calibration())).isEqualTo(-1);
  }
}
