package org.edgefleet.packager.csv;

import java.io.IOException;

/** A CSV file that cannot be read as a numeric table; the message names the file and line. */
public final class CsvFormatException extends IOException {

  private final int line;

  public CsvFormatException(String source, int line, String problem) {
    super(source + (line > 0 ? ", line " + line : "") + ": " + problem);
    this.line = line;
  }

  /** The 1-based line the problem is on, or 0 when it concerns the whole file. */
  public int line() {
    return line;
  }
}
