package org.edgefleet.agent.android.engine;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Converts the fleet's tensors to and from the native-order byte buffers TFLite's Android
 * interpreter reads and writes. Plain Java, so it is tested on any JVM.
 */
final class TfliteBuffers {

  private TfliteBuffers() {}

  /** Bytes per element of {@code dtype} in a TFLite tensor. */
  static int elementBytes(DType dtype) {
    switch (dtype) {
      case FLOAT32:
      case INT32:
        return 4;
      case INT64:
        return 8;
      case INT8:
      case UINT8:
      case BOOL:
        return 1;
      default:
        throw new IllegalArgumentException("TFLite on Android does not take " + dtype.wireName() + " tensors here");
    }
  }

  static ByteBuffer toBuffer(Tensor t) {
    int n = t.size();
    ByteBuffer b = ByteBuffer.allocateDirect(n * elementBytes(t.dtype())).order(ByteOrder.nativeOrder());
    for (int i = 0; i < n; i++) {
      switch (t.dtype()) {
        case FLOAT32:
          b.putFloat(t.floats()[i]);
          break;
        case INT32:
          b.putInt(Math.toIntExact(t.longs()[i]));
          break;
        case INT64:
          b.putLong(t.longs()[i]);
          break;
        default: // int8, uint8 and bool: one byte each, already range-checked by the tensor
          b.put((byte) t.longs()[i]);
      }
    }
    ((Buffer) b).rewind();
    return b;
  }

  static Tensor fromBuffer(ByteBuffer b, DType dtype, long[] shape) {
    ((Buffer) b).rewind();
    int n = Math.toIntExact(Tensor.elementCount(shape));
    if (dtype == DType.FLOAT32) {
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = b.getFloat();
      }
      return Tensor.ofFloats(shape, v);
    }
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      switch (dtype) {
        case INT32:
          v[i] = b.getInt();
          break;
        case INT64:
          v[i] = b.getLong();
          break;
        case UINT8:
          v[i] = b.get() & 0xff;
          break;
        default: // int8 and bool
          v[i] = b.get();
      }
    }
    return Tensor.ofLongs(dtype, shape, v);
  }
}
