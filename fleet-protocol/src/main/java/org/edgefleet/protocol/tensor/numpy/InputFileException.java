package org.edgefleet.protocol.tensor.numpy;

import java.io.IOException;

/**
 * An input file (.npy, .npz, raw tensor) that cannot be read as what it claims to be: a header
 * that lies, a shape that overflows, data shorter or longer than declared, an unsupported element
 * type. The message names the file (and archive member), the field, and what to do instead.
 */
public class InputFileException extends IOException {

  private final String source;

  public InputFileException(String source, String problem) {
    super(source + ": " + problem);
    this.source = source;
  }

  /** For a file the reader below (zip, inflater) could not read: cause says what it met. */
  public InputFileException(String source, String problem, Throwable cause) {
    super(source + ": " + problem, cause);
    this.source = source;
  }

  /** The file, or "archive member 'name.npy'" of a file, the problem is in. */
  public String source() {
    return source;
  }
}
