package org.edgefleet.protocol.tensor;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Element types a model input or output can have, with their names in manifests. */
public enum DType {
  FLOAT32("float32", true),
  /** Half precision; a {@link Tensor} holds the values widened to float. */
  FLOAT16("float16", true),
  INT64("int64", false),
  INT32("int32", false),
  INT8("int8", false),
  UINT8("uint8", false),
  /** A {@link Tensor} holds booleans as longs, 0 or 1. */
  BOOL("bool", false);

  private final String wireName;
  private final boolean floating;

  DType(String wireName, boolean floating) {
    this.wireName = wireName;
    this.floating = floating;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** Whether values are held as floats (else as longs) in a {@link Tensor}. */
  public boolean isFloating() {
    return floating;
  }

  @JsonCreator
  public static DType fromWireName(String name) {
    for (DType t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unsupported dtype '" + name + "' (supported: " + supported() + ")");
  }

  private static String supported() {
    StringBuilder b = new StringBuilder();
    for (DType t : values()) {
      b.append(b.length() == 0 ? "" : ", ").append(t.wireName);
    }
    return b.toString();
  }
}
