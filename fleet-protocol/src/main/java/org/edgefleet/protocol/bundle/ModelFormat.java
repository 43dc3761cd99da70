package org.edgefleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The model file's format, which decides the inference engine on the device. */
public enum ModelFormat {
  ONNX, TFLITE;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static ModelFormat fromWireName(String name) {
    for (ModelFormat f : values()) {
      if (f.wireName().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown model format '" + name + "' (expected onnx or tflite)");
  }
}
