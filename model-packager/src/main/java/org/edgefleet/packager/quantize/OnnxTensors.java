package org.edgefleet.packager.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Reading and writing the ONNX protobuf pieces the quantizer touches (initializers, nodes,
 * attributes), also used to build models in code.
 */
public final class OnnxTensors {

  private OnnxTensors() {}

  static boolean isFloat(TensorProto tensor) {
    return tensor.getDataType() == TensorProto.DataType.FLOAT_VALUE;
  }

  static long[] dims(TensorProto tensor) {
    return tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
  }

  /** The values of a float initializer, whether stored as raw little-endian bytes or as float_data. */
  static float[] floats(TensorProto tensor) throws QuantizationException {
    if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      throw new QuantizationException("initializer '" + tensor.getName() + "' is stored in an external data file;"
          + " save the model with its weights inside the .onnx file and quantize that");
    }
    if (!tensor.getRawData().isEmpty()) {
      ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      float[] out = new float[raw.remaining() / Float.BYTES];
      raw.asFloatBuffer().get(out);
      return out;
    }
    float[] out = new float[tensor.getFloatDataCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = tensor.getFloatData(i);
    }
    return out;
  }

  public static TensorProto floatTensor(String name, float[] values, long... dims) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    return tensor(name, TensorProto.DataType.FLOAT, ByteString.copyFrom(buffer.array()), dims);
  }

  static TensorProto int32Tensor(String name, int[] values, long... dims) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asIntBuffer().put(values);
    return tensor(name, TensorProto.DataType.INT32, ByteString.copyFrom(buffer.array()), dims);
  }

  /** An int8 or uint8 tensor; {@code type} says which. */
  public static TensorProto byteTensor(String name, TensorProto.DataType type, byte[] values, long... dims) {
    return tensor(name, type, ByteString.copyFrom(values), dims);
  }

  private static TensorProto tensor(String name, TensorProto.DataType type, ByteString raw, long... dims) {
    TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(type.getNumber()).setRawData(raw);
    for (long dim : dims) {
      tensor.addDims(dim);
    }
    return tensor.build();
  }

  public static NodeProto node(String op, String name, List<String> inputs, String output, AttributeProto... attributes) {
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output);
    for (AttributeProto attribute : attributes) {
      node.addAttribute(attribute);
    }
    return node.build();
  }

  public static AttributeProto intsAttribute(String name, long... values) {
    AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      attribute.addInts(v);
    }
    return attribute.build();
  }

  /** A float tensor's type and shape; a dimension of -1 is the dynamic {@code batch}. */
  public static ValueInfoProto floatInfo(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
          : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
  }

  public static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  /** An integer attribute of the node, or {@code fallback} when the node does not set it. */
  static long intAttribute(NodeProto node, String name, long fallback) {
    return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).mapToLong(AttributeProto::getI)
        .findFirst().orElse(fallback);
  }
}
