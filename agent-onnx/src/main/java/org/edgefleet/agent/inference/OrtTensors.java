package org.edgefleet.agent.inference;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Converts between the fleet's {@link Tensor} and ONNX Runtime tensors, copying once each way:
 * the project's one converter, used by the agent's engine and the packager alike.
 */
public final class OrtTensors {

  private OrtTensors() {}

  /**
   * @throws ArithmeticException when an int32 tensor holds a value beyond int32
   */
  public static OnnxTensor toOrt(OrtEnvironment env, Tensor t) throws OrtException {
    long[] shape = t.shape();
    return switch (t.dtype()) {
      case FLOAT32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap(t.floats()), shape);
      case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(t.longs()), shape);
      case INT32 -> {
        long[] v = t.longs();
        int[] ints = new int[v.length];
        for (int i = 0; i < v.length; i++) {
          ints[i] = Math.toIntExact(v[i]);
        }
        yield OnnxTensor.createTensor(env, IntBuffer.wrap(ints), shape);
      }
      case FLOAT16 -> OnnxTensor.createTensor(env,
          Fp16Conversions.convertFloatBufferToFp16Buffer(FloatBuffer.wrap(t.floats())), shape, OnnxJavaType.FLOAT16);
      case INT8, UINT8, BOOL -> {
        long[] v = t.longs();
        byte[] bytes = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
          bytes[i] = (byte) v[i];
        }
        yield OnnxTensor.createTensor(env, ByteBuffer.wrap(bytes), shape, byteType(t.dtype()));
      }
    };
  }

  /** An output of the element type it has, which must be one the fleet describes. */
  public static Tensor fromOrt(String name, OnnxTensor t) throws InferenceException {
    DType dtype = dtypeOf(t.getInfo().type);
    if (dtype == null) {
      throw new InferenceException("output '" + name + "' has element type " + t.getInfo().type
          + ", which bundles cannot describe", true);
    }
    return fromOrt(t, dtype);
  }

  /** An output that must be of the manifest's dtype {@code expected}. */
  public static Tensor fromOrt(OnnxTensor t, DType expected) throws InferenceException {
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
      case FLOAT16 -> {
        FloatBuffer b = Fp16Conversions.convertFp16BufferToFloatBuffer(t.getShortBuffer());
        float[] v = new float[b.remaining()];
        b.get(v);
        yield Tensor.ofFloats(DType.FLOAT16, shape, v);
      }
      case INT8, UINT8, BOOL -> {
        ByteBuffer b = t.getByteBuffer();
        long[] v = new long[b.remaining()];
        for (int i = 0; i < v.length; i++) {
          v[i] = expected == DType.UINT8 || expected == DType.BOOL ? b.get(i) & 0xff : b.get(i);
        }
        yield Tensor.ofLongs(expected, shape, v);
      }
    };
  }

  private static OnnxJavaType byteType(DType dtype) {
    return switch (dtype) {
      case INT8 -> OnnxJavaType.INT8;
      case BOOL -> OnnxJavaType.BOOL;
      default -> OnnxJavaType.UINT8;
    };
  }

  /** The fleet dtype of an ORT element type, or null when the fleet has none for it. */
  public static DType dtypeOf(OnnxJavaType type) {
    return switch (type) {
      case FLOAT -> DType.FLOAT32;
      case INT64 -> DType.INT64;
      case INT32 -> DType.INT32;
      case INT8 -> DType.INT8;
      case UINT8 -> DType.UINT8;
      case FLOAT16 -> DType.FLOAT16;
      case BOOL -> DType.BOOL;
      default -> null;
    };
  }
}
