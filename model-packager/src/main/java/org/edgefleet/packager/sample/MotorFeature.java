package org.edgefleet.packager.sample;

import java.util.Arrays;
import java.util.List;

/**
 * The eight features a motor condition monitor computes from one measurement window, in the
 * order the sample model expects them. Vibration is velocity RMS in mm/s, as in ISO 10816-3.
 */
public enum MotorFeature {
  VIB_RMS_X("vib_rms_x", "mm/s", "radial (horizontal) vibration velocity RMS at the drive-end bearing"),
  VIB_RMS_Y("vib_rms_y", "mm/s", "radial (vertical) vibration velocity RMS at the drive-end bearing"),
  VIB_RMS_Z("vib_rms_z", "mm/s", "axial vibration velocity RMS at the drive-end bearing"),
  VIB_KURTOSIS("vib_kurtosis", "", "kurtosis of the acceleration signal; 3 for Gaussian noise, higher for impacts"),
  VIB_CREST_FACTOR("vib_crest_factor", "", "peak over RMS of the acceleration signal"),
  BEARING_TEMP_C("bearing_temp_c", "degC", "drive-end bearing housing temperature"),
  WINDING_CURRENT_A("winding_current_a", "A", "RMS stator current, mean of the three phases"),
  RPM("rpm", "1/min", "shaft speed set by the variable-frequency drive");

  /** Number of features in a row. */
  public static final int COUNT = values().length;

  private static final List<String> NAMES =
      Arrays.stream(values()).map(MotorFeature::columnName).toList();

  private final String columnName;
  private final String unit;
  private final String description;

  MotorFeature(String columnName, String unit, String description) {
    this.columnName = columnName;
    this.unit = unit;
    this.description = description;
  }

  /** The CSV column and ONNX metadata name, e.g. {@code vib_rms_x}. */
  public String columnName() {
    return columnName;
  }

  public String unit() {
    return unit;
  }

  public String description() {
    return description;
  }

  /** The column position of this feature in a row. */
  public int index() {
    return ordinal();
  }

  /** Column names of all features in row order (immutable). */
  public static List<String> names() {
    return NAMES;
  }
}
