package org.edgefleet.agent.localapi;

import org.edgefleet.protocol.tensor.DType;

/**
 * The values an integer dtype holds. A {@code Tensor} keeps every integer type in longs, and the
 * engines narrow them on the way in: a 300 sent as uint8 must be refused here, not wrapped to 44.
 */
final class IntegerRange {

  private IntegerRange() {}

  static long check(DType dtype, long v, String label, int index) throws ApiError {
    long min;
    long max;
    switch (dtype) {
      case INT8 -> { min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; }
      case UINT8 -> { min = 0; max = 255; }
      case INT32 -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
      case BOOL -> { min = 0; max = 1; }
      default -> { return v; }
    }
    if (v < min || v > max) {
      throw ApiError.badRequest("value_out_of_range", label + ": value " + index + " is " + v + ", outside "
          + dtype.wireName() + " (" + min + " to " + max + ")");
    }
    return v;
  }
}
