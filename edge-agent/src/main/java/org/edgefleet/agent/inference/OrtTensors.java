package org.edgefleet.agent.inference;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;

/** Converts between the fleet's {@link Tensor} and ONNX Runtime tensors, copying once each way. */
final class OrtTensors {

  private OrtTensors() {}

  static OnnxTensor toOrt(OrtEnvironment env, Tensor t) throws OrtException {
    long[] shape = t.shape();
    return switch (t.dtype()) {
      case FLOAT32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), shape);
      case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs()), shape);
      case INT32 -> {
        long[] v = t.longs();
        int[] ints = new int[v.length];
        for (int i = 0; i < v.length; i++) {
          ints[i] = (int) v[i];
        }
        yield OnnxTensor.createTensor(env, IntBuffer.wrap(ints), shape);
      }
      case INT8, UINT8 -> {
        long[] v = t.longs();
        byte[] bytes = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
          bytes[i] = (byte) v[i];
        }
        yield OnnxTensor.createTensor(env, ByteBuffer.wrap(bytes), shape,
            t.dtype() == DType.INT8 ? OnnxJavaType.INT8 : OnnxJavaType.UINT8);
      }
    };
  }

  static Tensor fromOrt(OnnxTensor t, DType expected) throws InferenceException {
    TensorInfo info = t.getInfo();
    long[] shape = info.getShape();
    DType actual = dtypeOf(info.type);
    if (actual != expected) {
      throw new InferenceException("output is " + info.type + " but the manifest declares " + expected.wireName(), true);
    }
    return switch (expected) {
      case FLOAT32 -> {
        FloatBuffer b = t.getFloatBuffer();
        float[] v = new float[b.remaining()];
        b.get(v);
        yield Tensor.ofFloats(shape, v);
      }
      case INT64 -> {
        LongBuffer b = t.getLongBuffer();
        long[] v = new long[b.remaining()];
        b.get(v);
        yield Tensor.ofLongs(expected, shape, v);
      }
      case INT32 -> {
        IntBuffer b = t.getIntBuffer();
        long[] v = new long[b.remaining()];
        for (int i = 0; i < v.length; i++) {
          v[i] = b.get(i);
        }
        yield Tensor.ofLongs(expected, shape, v);
      }
      case INT8, UINT8 -> {
        ByteBuffer b = t.getByteBuffer();
        long[] v = new long[b.remaining()];
        for (int i = 0; i < v.length; i++) {
          v[i] = expected == DType.UINT8 ? b.get(i) & 0xff : b.get(i);
        }
        yield Tensor.ofLongs(expected, shape, v);
      }
    };
  }

  /** The fleet dtype of an ORT element type, or null when the fleet has none for it. */
  static DType dtypeOf(OnnxJavaType type) {
    return switch (type) {
      case FLOAT -> DType.FLOAT32;
      case INT64 -> DType.INT64;
      case INT32 -> DType.INT32;
      case INT8 -> DType.INT8;
      case UINT8 -> DType.UINT8;
      default -> null;
    };
  }
}
