package org.edgefleet.packager.quantize;

/** The model or its data cannot be quantized as asked; the message says why and what to do. */
public final class QuantizationException extends Exception {

  public QuantizationException(String message) {
    super(message);
  }

  public QuantizationException(String message, Throwable cause) {
    super(message, cause);
  }
}
