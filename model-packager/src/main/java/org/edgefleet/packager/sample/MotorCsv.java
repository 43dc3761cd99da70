package org.edgefleet.packager.sample;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.edgefleet.packager.csv.CsvFormatException;
import org.edgefleet.packager.csv.CsvTable;

/**
 * Motor rows as CSV: the eight {@link MotorFeature} columns in order, then {@code label}
 * (0 normal, 1 fault) for labelled files. Calibration files carry the feature columns only,
 * because that is what a model's input looks like.
 */
public final class MotorCsv {

  public static final String LABEL_COLUMN = "label";

  private static final List<String> LABELLED_COLUMNS = labelledColumns();

  private MotorCsv() {
  }

  /** Writes features and label of every row. */
  public static void write(Path file, MotorDataset data) throws IOException {
    float[][] rows = new float[data.size()][];
    for (int i = 0; i < rows.length; i++) {
      MotorSample sample = data.get(i);
      rows[i] = new float[MotorFeature.COUNT + 1];
      System.arraycopy(sample.features(), 0, rows[i], 0, MotorFeature.COUNT);
      rows[i][MotorFeature.COUNT] = sample.label();
    }
    CsvTable.of(LABELLED_COLUMNS, rows).write(file);
  }

  /** Writes the feature columns only, as a calibration file for the packager. */
  public static void writeFeatures(Path file, MotorDataset data) throws IOException {
    featureTable(data).write(file);
  }

  /** The feature columns of a dataset as a table. */
  public static CsvTable featureTable(MotorDataset data) {
    return CsvTable.of(MotorFeature.names(), data.features());
  }

  /**
   * Reads a labelled file written by {@link #write}. The file keeps only the binary label, so
   * fault rows come back as {@link FaultMode#UNKNOWN_FAULT}.
   */
  public static MotorDataset read(Path file) throws IOException {
    CsvTable table = CsvTable.read(file);
    if (!table.columns().equals(LABELLED_COLUMNS)) {
      throw new CsvFormatException(file.toString(), 1, "expected the columns " + LABELLED_COLUMNS
          + " but found " + table.columns());
    }
    List<MotorSample> samples = new ArrayList<>(table.rowCount());
    for (int i = 0; i < table.rowCount(); i++) {
      float[] row = table.row(i);
      float label = row[MotorFeature.COUNT];
      if (label != 0 && label != 1) {
        throw new CsvFormatException(file.toString(), i + 2,
            "column 'label' must be 0 (normal) or 1 (fault), found " + label);
      }
      float[] features = new float[MotorFeature.COUNT];
      System.arraycopy(row, 0, features, 0, MotorFeature.COUNT);
      samples.add(new MotorSample(features, label == 1 ? FaultMode.UNKNOWN_FAULT : FaultMode.NONE));
    }
    return MotorDataset.of(samples);
  }

  private static List<String> labelledColumns() {
    List<String> columns = new ArrayList<>(MotorFeature.names());
    columns.add(LABEL_COLUMN);
    return List.copyOf(columns);
  }
}
