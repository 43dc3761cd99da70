package org.edgefleet.protocol.tensor;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Element types a model input or output can have, with their names in manifests. */
public enum DType {
  FLOAT32("float32", true),
  INT64("int64", false),
  INT32("int32", false),
  INT8("int8", false),
  UINT8("uint8", false);

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
    throw new IllegalArgumentException("unsupported dtype '" + name + "' (supported: float32, int64, int32, int8, uint8)");
  }
}
