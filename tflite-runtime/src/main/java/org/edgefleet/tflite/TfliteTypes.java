package org.edgefleet.tflite;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTypeGetName;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteBool;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteFloat16;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteFloat32;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteInt32;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteInt64;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteInt8;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteUInt8;

import org.edgefleet.protocol.tensor.DType;

/** TFLite element types as fleet dtypes, with the size and value range of each. */
final class TfliteTypes {

  private TfliteTypes() {}

  /** The fleet dtype of a TFLite type, or null when bundles cannot describe it. */
  static DType dtypeOf(int tfliteType) {
    if (tfliteType == kTfLiteFloat32) {
      return DType.FLOAT32;
    } else if (tfliteType == kTfLiteFloat16) {
      return DType.FLOAT16;
    } else if (tfliteType == kTfLiteInt64) {
      return DType.INT64;
    } else if (tfliteType == kTfLiteInt32) {
      return DType.INT32;
    } else if (tfliteType == kTfLiteInt8) {
      return DType.INT8;
    } else if (tfliteType == kTfLiteUInt8) {
      return DType.UINT8;
    } else if (tfliteType == kTfLiteBool) {
      return DType.BOOL;
    }
    return null;
  }

  static String name(int tfliteType) {
    return TfLiteTypeGetName(tfliteType).getString();
  }

  static int bytes(DType dtype) {
    return switch (dtype) {
      case FLOAT32, INT32 -> 4;
      case FLOAT16 -> 2;
      case INT64 -> 8;
      case INT8, UINT8, BOOL -> 1;
    };
  }

  static long min(DType dtype) {
    return switch (dtype) {
      case INT8 -> Byte.MIN_VALUE;
      case UINT8, BOOL -> 0;
      case INT32 -> Integer.MIN_VALUE;
      default -> Long.MIN_VALUE;
    };
  }

  static long max(DType dtype) {
    return switch (dtype) {
      case INT8 -> Byte.MAX_VALUE;
      case UINT8 -> 255;
      case BOOL -> 1;
      case INT32 -> Integer.MAX_VALUE;
      default -> Long.MAX_VALUE;
    };
  }
}
