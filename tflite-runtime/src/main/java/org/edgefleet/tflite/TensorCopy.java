package org.edgefleet.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorflowlite.TfLiteIntArray;
import org.bytedeco.tensorflowlite.TfLiteTensor;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Half;
import org.edgefleet.protocol.tensor.Tensor;

/** Copies between the fleet's {@link Tensor} and a TFLite tensor's buffer, once each way. */
final class TensorCopy {

  private TensorCopy() {}

  /** A view of the tensor's current buffer; valid until the next AllocateTensors or resize. */
  static ByteBuffer buffer(TfLiteTensor tensor) {
    BytePointer raw = tensor.data().raw();
    long bytes = tensor.bytes();
    return raw.capacity(bytes).limit(bytes).asByteBuffer().order(ByteOrder.nativeOrder());
  }

  static void write(String name, Tensor value, ByteBuffer target) throws TfliteException {
    DType dtype = value.dtype();
    int n = value.size();
    if ((long) n * TfliteTypes.bytes(dtype) != target.capacity()) {
      throw new IllegalStateException("input '" + name + "' buffer holds " + target.capacity() + " bytes, not "
          + n + " " + dtype.wireName() + " values");
    }
    ByteBuffer b = target.duplicate().order(ByteOrder.nativeOrder());
    switch (dtype) {
      case FLOAT32 -> b.asFloatBuffer().put(value.floats());
      case FLOAT16 -> {
        ShortBuffer s = b.asShortBuffer();
        for (float f : value.floats()) {
          s.put(Half.fromFloat(f));
        }
      }
      case INT64 -> b.asLongBuffer().put(value.longs());
      case INT32 -> {
        IntBuffer ints = b.asIntBuffer();
        long[] v = value.longs();
        for (int i = 0; i < n; i++) {
          ints.put((int) inRange(name, dtype, v, i));
        }
      }
      case INT8, UINT8, BOOL -> {
        long[] v = value.longs();
        for (int i = 0; i < n; i++) {
          b.put((byte) inRange(name, dtype, v, i));
        }
      }
    }
  }

  static Tensor read(long[] shape, ByteBuffer buffer, DType dtype) {
    ByteBuffer b = buffer.duplicate().order(ByteOrder.nativeOrder());
    return switch (dtype) {
      case FLOAT32 -> {
        FloatBuffer f = b.asFloatBuffer();
        float[] v = new float[f.remaining()];
        f.get(v);
        yield Tensor.ofFloats(shape, v);
      }
      case FLOAT16 -> {
        ShortBuffer s = b.asShortBuffer();
        float[] v = new float[s.remaining()];
        for (int i = 0; i < v.length; i++) {
          v[i] = Half.toFloat(s.get(i));
        }
        yield Tensor.ofFloats(DType.FLOAT16, shape, v);
      }
      case INT64 -> {
        LongBuffer l = b.asLongBuffer();
        long[] v = new long[l.remaining()];
        l.get(v);
        yield Tensor.ofLongs(dtype, shape, v);
      }
      case INT32 -> {
        IntBuffer ints = b.asIntBuffer();
        long[] v = new long[ints.remaining()];
        for (int i = 0; i < v.length; i++) {
          v[i] = ints.get(i);
        }
        yield Tensor.ofLongs(dtype, shape, v);
      }
      case INT8, UINT8, BOOL -> {
        long[] v = new long[b.remaining()];
        for (int i = 0; i < v.length; i++) {
          v[i] = dtype == DType.INT8 ? b.get(i) : Byte.toUnsignedInt(b.get(i));
        }
        yield Tensor.ofLongs(dtype, shape, v);
      }
    };
  }

  static long[] shape(TfLiteIntArray dims) {
    long[] shape = new long[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = dims.data(i);
    }
    return shape;
  }

  private static long inRange(String name, DType dtype, long[] values, int i) throws TfliteException {
    long v = values[i];
    if (v < TfliteTypes.min(dtype) || v > TfliteTypes.max(dtype)) {
      throw new TfliteException("input '" + name + "' value " + v + " at index " + i + " is outside the range of "
          + dtype.wireName() + " [" + TfliteTypes.min(dtype) + ", " + TfliteTypes.max(dtype) + "]", false);
    }
    return v;
  }
}
