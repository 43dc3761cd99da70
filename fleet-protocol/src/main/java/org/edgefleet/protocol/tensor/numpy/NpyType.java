package org.edgefleet.protocol.tensor.numpy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.tensor.Half;

/**
 * The NumPy element types the readers accept, each with its width in bytes and the {@link DType}
 * its values are held as. Integers are widened to a type that holds every value; float64 is
 * narrowed to float32 (the one lossy mapping, reported as such).
 */
enum NpyType {
  F2('f', 2, DType.FLOAT16),
  F4('f', 4, DType.FLOAT32),
  F8('f', 8, DType.FLOAT32),
  I1('i', 1, DType.INT8),
  U1('u', 1, DType.UINT8),
  I2('i', 2, DType.INT32),
  U2('u', 2, DType.INT32),
  I4('i', 4, DType.INT32),
  U4('u', 4, DType.INT64),
  I8('i', 8, DType.INT64),
  B1('b', 1, DType.BOOL);

  private final char kind;
  private final int size;
  private final DType dtype;

  NpyType(char kind, int size, DType dtype) {
    this.kind = kind;
    this.size = size;
    this.dtype = dtype;
  }

  int size() {
    return size;
  }

  DType dtype() {
    return dtype;
  }

  boolean narrows() {
    return this == F8;
  }

  /** The descriptor NumPy writes for this type on a little-endian machine: {@code <f4}, {@code |u1}. */
  String littleEndianDescr() {
    return (size == 1 ? "|" : "<") + kind + size;
  }

  /** The type a tensor of the given dtype is written as (and a raw file of that dtype holds). */
  static NpyType forDType(DType dtype) {
    switch (dtype) {
      case FLOAT32: return F4;
      case FLOAT16: return F2;
      case INT64: return I8;
      case INT32: return I4;
      case INT8: return I1;
      case UINT8: return U1;
      case BOOL: return B1;
      default: throw new IllegalArgumentException("no NumPy type for " + dtype);
    }
  }

  /** The type of a kind letter and width, or null when the readers do not take it. */
  static NpyType of(char kind, int size) {
    for (NpyType t : values()) {
      if (t.kind == kind && t.size == size) {
        return t;
      }
    }
    return null;
  }

  /**
   * Decodes count elements from data (positioned at the first, in the byte order to read) into a
   * tensor of the given shape; file order is C order here (Fortran order is undone by the caller).
   */
  Tensor decode(ByteBuffer data, long[] shape, int count, String source) throws InputFileException {
    if (dtype.isFloating()) {
      return Tensor.ofFloats(dtype, shape, decodeFloats(data, count, source));
    }
    return Tensor.ofLongs(dtype, shape, decodeLongs(data, count, source));
  }

  private float[] decodeFloats(ByteBuffer data, int count, String source) throws InputFileException {
    float[] out = new float[count];
    switch (this) {
      case F4:
        data.asFloatBuffer().get(out);
        break;
      case F2:
        for (int i = 0; i < count; i++) {
          out[i] = Half.toFloat(data.getShort());
        }
        break;
      default:
        for (int i = 0; i < count; i++) {
          double d = data.getDouble();
          out[i] = (float) d;
          if (Float.isInfinite(out[i]) && !Double.isInfinite(d)) {
            throw new InputFileException(source, "float64 element " + i + " (" + d + ") is outside float32's"
                + " range, and tensors hold floats as float32; scale the data or clip it to +-3.4e38");
          }
        }
    }
    return out;
  }

  private long[] decodeLongs(ByteBuffer data, int count, String source) throws InputFileException {
    long[] out = new long[count];
    for (int i = 0; i < count; i++) {
      out[i] = switch (this) {
        case I1 -> data.get();
        case U1 -> data.get() & 0xffL;
        case I2 -> data.getShort();
        case U2 -> data.getShort() & 0xffffL;
        case I4 -> data.getInt();
        case U4 -> data.getInt() & 0xffffffffL;
        case I8 -> data.getLong();
        default -> bool(data.get(), i, source);
      };
    }
    return out;
  }

  private static long bool(byte b, int index, String source) throws InputFileException {
    if (b != 0 && b != 1) {
      throw new InputFileException(source, "bool element " + index + " is byte " + (b & 0xff)
          + ", not 0 or 1: the file is corrupt or its descr '|b1' is wrong");
    }
    return b;
  }

  /** Encodes a tensor's values little-endian; values outside the dtype's range are a caller's bug. */
  byte[] encode(Tensor t) {
    ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(t.size(), size)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < t.size(); i++) {
      switch (this) {
        case F4 -> out.putFloat(t.floats()[i]);
        case F2 -> out.putShort(Half.fromFloat(t.floats()[i]));
        case I8 -> out.putLong(t.longs()[i]);
        case I4 -> out.putInt((int) inRange(t, i, Integer.MIN_VALUE, Integer.MAX_VALUE));
        case I1 -> out.put((byte) inRange(t, i, Byte.MIN_VALUE, Byte.MAX_VALUE));
        case U1 -> out.put((byte) inRange(t, i, 0, 255));
        case B1 -> out.put((byte) inRange(t, i, 0, 1));
        default -> throw new IllegalStateException(this + " is read, never written");
      }
    }
    return out.array();
  }

  private static long inRange(Tensor t, int i, long min, long max) {
    long v = t.longs()[i];
    if (v < min || v > max) {
      throw new IllegalArgumentException(t.dtype().wireName() + " tensor element " + i + " is " + v
          + ", outside " + min + ".." + max);
    }
    return v;
  }
}
