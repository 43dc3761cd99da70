package org.edgefleet.protocol.tensor.numpy;

/**
 * An input that is well formed as far as it was read but needs more bytes than the reader's
 * limit: a header whose shape asks for more, or an archive that unpacks to more (a zip bomb).
 * Apart so that a server can answer it as "too large" rather than "malformed".
 */
public final class InputTooLargeException extends InputFileException {

  public InputTooLargeException(String source, String problem) {
    super(source, problem);
  }
}
