package org.edgefleet.packager.csv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An immutable numeric table with named columns, read from and written to CSV.
 *
 * <p>The format is deliberately narrow so that mistakes surface instead of being guessed at:
 * comma separated, a header row of distinct column names first, then one row of finite decimal
 * numbers per line, every row as wide as the header. No quoting, no blank lines between rows
 * (trailing ones are ignored). UTF-8, optional byte-order mark, LF or CRLF line ends.
 */
public final class CsvTable {

  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private final List<String> columns;
  private final float[][] rows;

  private CsvTable(List<String> columns, float[][] rows) {
    this.columns = columns;
    this.rows = rows;
  }

  /** A table of the given columns and rows (copied); every row must be as wide as the header. */
  public static CsvTable of(List<String> columns, float[][] rows) {
    Objects.requireNonNull(columns, "columns must not be null");
    Objects.requireNonNull(rows, "rows must not be null");
    List<String> names = List.copyOf(columns);
    checkNames(names);
    float[][] copy = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != names.size()) {
        throw new IllegalArgumentException("row " + i + " has " + rows[i].length
            + " values but there are " + names.size() + " columns");
      }
      copy[i] = rows[i].clone();
    }
    return new CsvTable(names, copy);
  }

  public static CsvTable read(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(reader, file.toString());
    }
  }

  /** Parses CSV text; {@code source} names it in error messages. */
  public static CsvTable parse(Reader reader, String source) throws IOException {
    BufferedReader lines = new BufferedReader(reader);
    String header = lines.readLine();
    if (header != null && header.startsWith("\uFEFF")) {
      header = header.substring(1);
    }
    if (header == null || header.isBlank()) {
      throw new CsvFormatException(source, 1, "expected a header row naming the columns, found "
          + (header == null ? "an empty file" : "an empty line"));
    }
    List<String> names = splitHeader(header, source);
    List<float[]> rows = new ArrayList<>();
    int blankLine = 0;
    int lineNumber = 1;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      lineNumber++;
      if (line.isBlank()) {
        blankLine = blankLine == 0 ? lineNumber : blankLine;
        continue;
      }
      if (blankLine != 0) {
        throw new CsvFormatException(source, blankLine, "empty line between data rows");
      }
      rows.add(parseRow(line, names, source, lineNumber));
    }
    return new CsvTable(names, rows.toArray(new float[0][]));
  }

  public List<String> columns() {
    return columns;
  }

  public int columnCount() {
    return columns.size();
  }

  public int rowCount() {
    return rows.length;
  }

  /** A copy of one row. */
  public float[] row(int index) {
    return rows[index].clone();
  }

  /** A copy of all rows. */
  public float[][] rows() {
    float[][] copy = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      copy[i] = rows[i].clone();
    }
    return copy;
  }

  /** The values of one column, top to bottom. */
  public float[] column(int index) {
    Objects.checkIndex(index, columns.size());
    float[] values = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      values[i] = rows[i][index];
    }
    return values;
  }

  /** The first {@code count} rows, or all of them when there are fewer. */
  public CsvTable head(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("row count must be >= 0, got " + count);
    }
    float[][] head = new float[Math.min(count, rows.length)][];
    System.arraycopy(rows, 0, head, 0, head.length);
    return new CsvTable(columns, head);
  }

  public void write(Path file) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(out);
    }
  }

  public void write(Writer out) throws IOException {
    out.write(String.join(",", columns));
    out.write('\n');
    StringBuilder line = new StringBuilder();
    for (float[] row : rows) {
      line.setLength(0);
      for (int c = 0; c < row.length; c++) {
        if (c > 0) {
          line.append(',');
        }
        line.append(format(row[c]));
      }
      out.write(line.append('\n').toString());
    }
  }

  @Override
  public String toString() {
    return "CsvTable[" + rows.length + " rows x " + columns + "]";
  }

  /** Float.toString round-trips exactly; whole numbers drop the ".0" so labels read as 0/1. */
  private static String format(float value) {
    String text = Float.toString(value);
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }

  private static List<String> splitHeader(String header, String source) throws CsvFormatException {
    List<String> names = new ArrayList<>();
    for (String field : header.split(",", -1)) {
      names.add(field.trim());
    }
    if (names.stream().allMatch(name -> DECIMAL.matcher(name).matches())) {
      throw new CsvFormatException(source, 1, "expected a header row naming the columns, found numbers: " + header);
    }
    try {
      checkNames(names);
    } catch (IllegalArgumentException e) {
      throw new CsvFormatException(source, 1, e.getMessage());
    }
    return List.copyOf(names);
  }

  private static void checkNames(List<String> names) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
    var seen = new HashSet<String>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (name.isEmpty()) {
        throw new IllegalArgumentException("column " + (i + 1) + " has an empty name");
      }
      if (name.contains(",") || name.contains("\"") || name.contains("\n")) {
        throw new IllegalArgumentException("column name '" + name + "' must not contain commas, quotes or line breaks");
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("column name '" + name + "' appears twice");
      }
    }
  }

  private static float[] parseRow(String line, List<String> names, String source, int lineNumber)
      throws CsvFormatException {
    String[] fields = line.split(",", -1);
    if (fields.length != names.size()) {
      throw new CsvFormatException(source, lineNumber, "expected " + names.size() + " columns "
          + names + " but found " + fields.length);
    }
    float[] row = new float[fields.length];
    for (int c = 0; c < fields.length; c++) {
      String field = fields[c].trim();
      if (!DECIMAL.matcher(field).matches()) {
        throw new CsvFormatException(source, lineNumber, "column '" + names.get(c) + "' holds '"
            + field + "', which is not a decimal number");
      }
      float value = Float.parseFloat(field);
      if (Float.isInfinite(value)) {
        throw new CsvFormatException(source, lineNumber, "column '" + names.get(c) + "' holds "
            + field + ", which is outside the float32 range");
      }
      row[c] = value;
    }
    return row;
  }
}
