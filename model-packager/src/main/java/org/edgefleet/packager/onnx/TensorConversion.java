package org.edgefleet.packager.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;

/** Between the protocol's {@link Tensor} and ONNX Runtime's tensors. */
final class TensorConversion {

  private TensorConversion() {}

  /** The manifest dtype of an ONNX element type, or null when bundles cannot describe it. */
  static DType dtypeOf(OnnxTensorType type) {
    return switch (type) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DType.FLOAT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DType.INT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DType.INT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> DType.INT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DType.UINT8;
      default -> null;
    };
  }

  static OnnxTensor toOnnx(OrtEnvironment env, Tensor tensor) throws OrtException {
    long[] shape = tensor.shape();
    return switch (tensor.dtype()) {
      case FLOAT32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap(tensor.floats()), shape);
      case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(tensor.longs()), shape);
      case INT32 -> {
        long[] values = tensor.longs();
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
          ints[i] = Math.toIntExact(values[i]);
        }
        yield OnnxTensor.createTensor(env, IntBuffer.wrap(ints), shape);
      }
      case INT8, UINT8 -> {
        long[] values = tensor.longs();
        ByteBuffer bytes = ByteBuffer.allocateDirect(values.length);
        for (long v : values) {
          bytes.put((byte) v);
        }
        bytes.flip();
        OnnxJavaType type = tensor.dtype() == DType.INT8 ? OnnxJavaType.INT8 : OnnxJavaType.UINT8;
        yield OnnxTensor.createTensor(env, bytes, shape, type);
      }
    };
  }

  static Tensor fromOnnx(String name, OnnxTensor value) throws ModelException {
    TensorInfo info = value.getInfo();
    DType dtype = dtypeOf(info.onnxType);
    if (dtype == null) {
      throw new ModelException("output '" + name + "' has element type " + info.onnxType + ", which bundles cannot describe");
    }
    long[] shape = info.getShape();
    return switch (dtype) {
      case FLOAT32 -> Tensor.ofFloats(shape, remaining(value.getFloatBuffer()));
      case INT64 -> Tensor.ofLongs(dtype, shape, remaining(value.getLongBuffer()));
      case INT32 -> {
        IntBuffer ints = value.getIntBuffer();
        long[] values = new long[ints.remaining()];
        for (int i = 0; i < values.length; i++) {
          values[i] = ints.get();
        }
        yield Tensor.ofLongs(dtype, shape, values);
      }
      case INT8, UINT8 -> {
        ByteBuffer bytes = value.getByteBuffer();
        long[] values = new long[bytes.remaining()];
        for (int i = 0; i < values.length; i++) {
          byte b = bytes.get();
          values[i] = dtype == DType.UINT8 ? Byte.toUnsignedInt(b) : b;
        }
        yield Tensor.ofLongs(dtype, shape, values);
      }
    };
  }

  private static float[] remaining(FloatBuffer buffer) {
    float[] out = new float[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  private static long[] remaining(LongBuffer buffer) {
    long[] out = new long[buffer.remaining()];
    buffer.get(out);
    return out;
  }
}
