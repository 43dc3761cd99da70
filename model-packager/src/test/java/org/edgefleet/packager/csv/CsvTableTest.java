package org.edgefleet.packager.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTableTest {

  @TempDir
  Path dir;

  @Test
  void writesAndReadsBackEveryFloatExactly() throws IOException {
    float[][] rows = {
      {0f, -0f, 1f, 1f / 3},
      {1e-8f, -3.4e38f, Float.MIN_VALUE, 12345678f},
      {2950.5f, -40.25f, 0.1f, 7f},
    };
    CsvTable table = CsvTable.of(List.of("a", "b", "c", "d"), rows);
    Path file = dir.resolve("t.csv");
    table.write(file);

    CsvTable back = CsvTable.read(file);

    assertThat(back.columns()).containsExactly("a", "b", "c", "d");
    assertThat(back.rows()).isDeepEqualTo(rows);
    assertThat(Files.readAllLines(file).get(3)).isEqualTo("2950.5,-40.25,0.1,7");
  }

  @Test
  void acceptsByteOrderMarkCrLfSpacesAndTrailingBlankLines() throws IOException {
    CsvTable table = parse("\uFEFFx, y\r\n1, 2.5\r\n-3e2,+4\r\n\r\n\n");

    assertThat(table.columns()).containsExactly("x", "y");
    assertThat(table.rows()).isDeepEqualTo(new float[][] {{1f, 2.5f}, {-300f, 4f}});
  }

  @Test
  void headerOnlyIsAnEmptyTable() throws IOException {
    assertThat(parse("x,y\n").rowCount()).isZero();
  }

  @Test
  void columnAndHeadSelectValues() throws IOException {
    CsvTable table = parse("x,y\n1,2\n3,4\n5,6\n");

    assertThat(table.column(1)).containsExactly(2f, 4f, 6f);
    assertThat(table.head(2).rows()).isDeepEqualTo(new float[][] {{1f, 2f}, {3f, 4f}});
    assertThat(table.head(10).rowCount()).isEqualTo(3);
  }

  @Test
  void rejectsARowWithTheWrongNumberOfColumns() {
    assertThatThrownBy(() -> parse("x,y,z\n1,2,3\n4,5\n"))
        .isInstanceOf(CsvFormatException.class)
        .hasMessage("test.csv, line 3: expected 3 columns [x, y, z] but found 2")
        .extracting(e -> ((CsvFormatException) e).line()).isEqualTo(3);
  }

  @Test
  void rejectsANonNumericValueNamingTheColumn() {
    assertThatThrownBy(() -> parse("x,rpm\n1,2\n3,fast\n"))
        .isInstanceOf(CsvFormatException.class)
        .hasMessage("test.csv, line 3: column 'rpm' holds 'fast', which is not a decimal number");
  }

  @Test
  void rejectsNotANumberAndHexAndEmptyFields() {
    assertThatThrownBy(() -> parse("x\nNaN\n")).hasMessageContaining("'NaN', which is not a decimal number");
    assertThatThrownBy(() -> parse("x\n0x1p3\n")).hasMessageContaining("'0x1p3'");
    assertThatThrownBy(() -> parse("x,y\n1,\n")).hasMessageContaining("column 'y' holds ''");
  }

  @Test
  void rejectsValuesOutsideTheFloatRange() {
    assertThatThrownBy(() -> parse("x\n1e39\n"))
        .hasMessage("test.csv, line 2: column 'x' holds 1e39, which is outside the float32 range");
  }

  @Test
  void rejectsAFileWithoutHeader() {
    assertThatThrownBy(() -> parse("1.0,2.0\n3.0,4.0\n"))
        .isInstanceOf(CsvFormatException.class)
        .hasMessage("test.csv, line 1: expected a header row naming the columns, found numbers: 1.0,2.0");
  }

  @Test
  void rejectsAnEmptyFile() {
    assertThatThrownBy(() -> parse(""))
        .hasMessage("test.csv, line 1: expected a header row naming the columns, found an empty file");
  }

  @Test
  void rejectsDuplicateAndEmptyColumnNames() {
    assertThatThrownBy(() -> parse("x,x\n1,2\n")).hasMessage("test.csv, line 1: column name 'x' appears twice");
    assertThatThrownBy(() -> parse("x,,z\n1,2,3\n")).hasMessage("test.csv, line 1: column 2 has an empty name");
  }

  @Test
  void rejectsABlankLineBetweenRows() {
    assertThatThrownBy(() -> parse("x\n1\n\n2\n")).hasMessage("test.csv, line 3: empty line between data rows");
  }

  @Test
  void ofRejectsRowsOfTheWrongWidth() {
    assertThatThrownBy(() -> CsvTable.of(List.of("a", "b"), new float[][] {{1f}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("row 0 has 1 values but there are 2 columns");
  }

  @Test
  void readingAMissingFileFailsWithTheFileName() {
    Path missing = dir.resolve("missing.csv");
    assertThatThrownBy(() -> CsvTable.read(missing)).isInstanceOf(IOException.class).hasMessageContaining("missing.csv");
  }

  private static CsvTable parse(String text) throws IOException {
    return CsvTable.parse(new StringReader(text), "test.csv");
  }
}
