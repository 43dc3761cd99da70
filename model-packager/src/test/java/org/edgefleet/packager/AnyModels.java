package org.edgefleet.packager;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Real ONNX models written in code for what exported models look like: PyTorch and TFLite style
 * names, several inputs with shared symbolic dimensions, an int64 scalar, recurrent state, and
 * every dtype bundles carry.
 */
public final class AnyModels {

  public static final String A = "onnx::Flatten_0";
  public static final String B = "serving_default_x:0";
  public static final String SR = "sr";
  public static final int FEATURES = 4;
  public static final float[] W = {0.5f, -0.3f, 0.8f, 0.2f};

  private AnyModels() {}

  /**
   * {@code sum = a + b} and {@code scaled = a * float(sr)}, {@code greater = a > b} (bool), over
   * a and b of float32 [batch, seq, 4] and sr an int64 scalar.
   */
  public static Path multiInput(Path file) throws IOException {
    GraphProto graph = GraphProto.newBuilder().setName("multi_input")
        .addInput(info(A, TensorProto.DataType.FLOAT, "batch", "seq", FEATURES))
        .addInput(info(B, TensorProto.DataType.FLOAT, "batch", "seq", FEATURES))
        .addInput(info(SR, TensorProto.DataType.INT64))
        .addOutput(info("sum", TensorProto.DataType.FLOAT, "batch", "seq", FEATURES))
        .addOutput(info("scaled", TensorProto.DataType.FLOAT, "batch", "seq", FEATURES))
        .addOutput(info("greater", TensorProto.DataType.BOOL, "batch", "seq", FEATURES))
        .addNode(node("Add", List.of(A, B), "sum"))
        .addNode(node("Cast", List.of(SR), "sr_float", intAttr("to", TensorProto.DataType.FLOAT_VALUE)))
        .addNode(node("Mul", List.of(A, "sr_float"), "scaled"))
        .addNode(node("Greater", List.of(A, B), "greater"))
        .build();
    return write(file, graph);
  }

  /** {@code out = tanh(x . W + state)}, {@code stateN = out}: x and state float32 [1, 2]. */
  public static Path recurrent(Path file) throws IOException {
    TensorProto.Builder w = TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT_VALUE)
        .addDims(2).addDims(2);
    for (float f : W) {
      w.addFloatData(f);
    }
    GraphProto graph = GraphProto.newBuilder().setName("recurrent")
        .addInput(info("x", TensorProto.DataType.FLOAT, 1, 2))
        .addInput(info("state", TensorProto.DataType.FLOAT, 1, 2))
        .addOutput(info("out", TensorProto.DataType.FLOAT, 1, 2))
        .addOutput(info("stateN", TensorProto.DataType.FLOAT, 1, 2))
        .addInitializer(w)
        .addNode(node("MatMul", List.of("x", "W"), "xw"))
        .addNode(node("Add", List.of("xw", "state"), "pre"))
        .addNode(node("Tanh", List.of("pre"), "out"))
        .addNode(node("Identity", List.of("out"), "stateN"))
        .build();
    return write(file, graph);
  }

  /** One step of {@link #recurrent} in Java. */
  public static float[] step(float[] x, float[] state) {
    float[] out = new float[2];
    for (int j = 0; j < 2; j++) {
      out[j] = (float) Math.tanh(state[j] + x[0] * W[j] + x[1] * W[2 + j]);
    }
    return out;
  }

  /**
   * {@code y = mask ? float(u8) + float(h) + float(i32) + float(i8) : 0} over [batch, 3] inputs of
   * uint8, float16, int32, int8 and bool: every dtype but float32 and int64 as an input.
   */
  public static Path dtypes(Path file) throws IOException {
    GraphProto graph = GraphProto.newBuilder().setName("dtypes")
        .addInput(info("u8", TensorProto.DataType.UINT8, "batch", 3))
        .addInput(info("h", TensorProto.DataType.FLOAT16, "batch", 3))
        .addInput(info("i32", TensorProto.DataType.INT32, "batch", 3))
        .addInput(info("i8", TensorProto.DataType.INT8, "batch", 3))
        .addInput(info("mask", TensorProto.DataType.BOOL, "batch", 3))
        .addOutput(info("y", TensorProto.DataType.FLOAT, "batch", 3))
        .addInitializer(TensorProto.newBuilder().setName("zero").setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(0f))
        .addNode(node("Cast", List.of("u8"), "fu8", intAttr("to", TensorProto.DataType.FLOAT_VALUE)))
        .addNode(node("Cast", List.of("h"), "fh", intAttr("to", TensorProto.DataType.FLOAT_VALUE)))
        .addNode(node("Cast", List.of("i32"), "fi32", intAttr("to", TensorProto.DataType.FLOAT_VALUE)))
        .addNode(node("Cast", List.of("i8"), "fi8", intAttr("to", TensorProto.DataType.FLOAT_VALUE)))
        .addNode(node("Add", List.of("fu8", "fh"), "s1"))
        .addNode(node("Add", List.of("s1", "fi32"), "s2"))
        .addNode(node("Add", List.of("s2", "fi8"), "s3"))
        .addNode(node("Where", List.of("mask", "s3", "zero"), "y"))
        .build();
    return write(file, graph);
  }

  private static Path write(Path file, GraphProto graph) throws IOException {
    ModelProto model = ModelProto.newBuilder().setIrVersion(8).setProducerName("edgefleet-tests")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(graph).build();
    Files.write(file, model.toByteArray());
    return file;
  }

  private static NodeProto node(String op, List<String> inputs, String output, AttributeProto... attributes) {
    return NodeProto.newBuilder().setOpType(op).setName(op + "_" + output).addAllInput(inputs).addOutput(output)
        .addAllAttribute(List.of(attributes)).build();
  }

  private static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  /** A tensor's type; each dimension a number (fixed) or a String (symbolic). */
  private static ValueInfoProto info(String name, TensorProto.DataType type, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      shape.addDim(d instanceof String s ? TensorShapeProto.Dimension.newBuilder().setDimParam(s)
          : TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
  }
}
