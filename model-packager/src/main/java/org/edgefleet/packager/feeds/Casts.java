package org.edgefleet.packager.feeds;

import ai.onnxruntime.platform.Fp16Conversions;
import java.util.Locale;
import org.edgefleet.packager.PackagingException;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Converts a data file's array to the dtype the model declares. A conversion is allowed when it
 * loses nothing for the values at hand (int64 ids into an int32 input, whole floats into an int64
 * input, 0/1 into bool, float32 values that float16 holds exactly); anything else only when the
 * user declares it with {@code lossyCast} (then floats round to the nearest integer, values
 * outside the target's range are still refused, and non-zero becomes true).
 */
final class Casts {

  private Casts() {}

  static Tensor to(DType target, Tensor t, boolean lossyCast, String what) throws PackagingException {
    if (t.dtype() == target) {
      return t;
    }
    int n = t.size();
    if (target.isFloating()) {
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        double v = t.get(i);
        float f = target == DType.FLOAT16 ? Fp16Conversions.fp16ToFloat(Fp16Conversions.floatToFp16((float) v)) : (float) v;
        if (f != v && !(Double.isNaN(v) && Float.isNaN(f)) && !lossyCast) {
          throw lossy(what, t.dtype(), target, i, v);
        }
        out[i] = f;
      }
      return Tensor.ofFloats(target, t.shape(), out);
    }
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      double v = t.get(i);
      long whole = t.dtype().isFloating() ? Math.round(v) : t.longs()[i];
      if (target == DType.BOOL) {
        if (whole != 0 && whole != 1 || whole != v) {
          if (!lossyCast) {
            throw lossy(what, t.dtype(), target, i, v);
          }
          whole = v != 0 ? 1 : 0;
        }
      } else {
        if (Double.isNaN(v) || whole < min(target) || whole > max(target)) {
          throw new PackagingException(what + ": value " + i + " is " + format(v) + ", outside what " + target.wireName()
              + " holds [" + min(target) + ", " + max(target) + "]: fix the data");
        }
        if (t.dtype().isFloating() && whole != v && !lossyCast) {
          throw lossy(what, t.dtype(), target, i, v);
        }
      }
      out[i] = whole;
    }
    return Tensor.ofLongs(target, t.shape(), out);
  }

  private static long min(DType t) {
    return switch (t) {
      case INT8 -> Byte.MIN_VALUE;
      case UINT8 -> 0;
      case INT32 -> Integer.MIN_VALUE;
      default -> Long.MIN_VALUE;
    };
  }

  private static long max(DType t) {
    return switch (t) {
      case INT8 -> Byte.MAX_VALUE;
      case UINT8 -> 255;
      case INT32 -> Integer.MAX_VALUE;
      default -> Long.MAX_VALUE;
    };
  }

  private static PackagingException lossy(String what, DType from, DType to, int i, double v) {
    return new PackagingException(what + " holds " + from.wireName() + " but the model takes " + to.wireName()
        + ", and value " + i + " (" + format(v) + ") does not convert exactly: convert the data to " + to.wireName()
        + ", or pass --lossy-cast to round");
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%s", v);
  }
}
