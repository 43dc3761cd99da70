package org.edgefleet.packager.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefleet.packager.csv.CsvFormatException;
import org.edgefleet.packager.csv.CsvTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MotorCsvTest {

  @TempDir
  Path dir;

  private final MotorDataset data = MotorDataGenerator.create().dataset(300, 21);

  @Test
  void labelledRowsRoundTripWithFeaturesAndLabels() throws IOException {
    Path file = dir.resolve("motor.csv");
    MotorCsv.write(file, data);

    MotorDataset back = MotorCsv.read(file);

    assertThat(back.features()).isDeepEqualTo(data.features());
    assertThat(back.labels()).isEqualTo(data.labels());
    assertThat(back.samples()).allMatch(s -> s.mode() == FaultMode.NONE || s.mode() == FaultMode.UNKNOWN_FAULT);
    assertThat(Files.readAllLines(file).get(0)).isEqualTo(
        "vib_rms_x,vib_rms_y,vib_rms_z,vib_kurtosis,vib_crest_factor,bearing_temp_c,winding_current_a,rpm,label");
  }

  @Test
  void calibrationFilesHoldOnlyTheFeatureColumns() throws IOException {
    Path file = dir.resolve("calibration.csv");
    MotorCsv.writeFeatures(file, data);

    CsvTable table = CsvTable.read(file);

    assertThat(table.columns()).isEqualTo(MotorFeature.names());
    assertThat(table.rows()).isDeepEqualTo(data.features());
  }

  @Test
  void readingAFileWithOtherColumnsSaysWhichWereExpected() throws IOException {
    Path file = dir.resolve("features-only.csv");
    MotorCsv.writeFeatures(file, data);

    assertThatThrownBy(() -> MotorCsv.read(file))
        .isInstanceOf(CsvFormatException.class)
        .hasMessageContaining("line 1: expected the columns [vib_rms_x,")
        .hasMessageContaining("but found [vib_rms_x,");
  }

  @Test
  void rejectsLabelsOtherThanZeroAndOne() throws IOException {
    Path file = dir.resolve("bad-label.csv");
    MotorCsv.write(file, data.head(2));
    String text = Files.readString(file);
    Files.writeString(file, text.substring(0, text.length() - 2) + "2\n");

    assertThatThrownBy(() -> MotorCsv.read(file))
        .isInstanceOf(CsvFormatException.class)
        .hasMessageEndingWith("line 3: column 'label' must be 0 (normal) or 1 (fault), found 2.0");
  }
}
