package org.edgefleet.agent.testkit;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;

/**
 * A recurrent cell built in code, {@code out = tanh(x . W + state)} and {@code stateN = out}, as a
 * real ONNX model with PyTorch-style names, and the same arithmetic in Java for references. The
 * caller carries {@code stateN} into the next call's {@code state}.
 */
public final class RecurrentModel {

  public static final String X = "onnx::MatMul_0";
  public static final String STATE = "state";
  public static final String OUT = "out";
  public static final String STATE_OUT = "stateN";
  public static final int WIDTH = 2;
  private static final float[] W = {0.5f, -0.3f, 0.8f, 0.2f};

  private RecurrentModel() {}

  /** Every tensor is [batch, 2], the batch dimension named {@code batch} as exporters name it. */
  public static List<TensorSpec> inputs() {
    return List.of(spec(X), spec(STATE));
  }

  public static List<TensorSpec> outputs() {
    return List.of(spec(OUT), spec(STATE_OUT));
  }

  private static TensorSpec spec(String name) {
    return new TensorSpec(name, DType.FLOAT32, List.of(-1L, (long) WIDTH), null, null, java.util.Arrays.asList("batch", null));
  }

  /** One step in Java: the reference the model must match. */
  public static float[] step(float[] x, float[] state) {
    float[] out = new float[WIDTH];
    for (int j = 0; j < WIDTH; j++) {
      double s = state[j];
      for (int i = 0; i < WIDTH; i++) {
        s += x[i] * W[i * WIDTH + j];
      }
      out[j] = (float) Math.tanh(s);
    }
    return out;
  }

  public static byte[] onnx() {
    TensorProto.Builder w = TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT_VALUE)
        .addDims(WIDTH).addDims(WIDTH);
    for (float f : W) {
      w.addFloatData(f);
    }
    GraphProto graph = GraphProto.newBuilder().setName("recurrent")
        .addInput(value(X)).addInput(value(STATE))
        .addOutput(value(OUT)).addOutput(value(STATE_OUT))
        .addInitializer(w)
        .addNode(node("MatMul", List.of(X, "W"), "xw"))
        .addNode(node("Add", List.of("xw", STATE), "pre"))
        .addNode(node("Tanh", List.of("pre"), OUT))
        .addNode(node("Identity", List.of(OUT), STATE_OUT))
        .build();
    return ModelProto.newBuilder().setIrVersion(8).setProducerName("edge-agent-tests")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(graph).build().toByteArray();
  }

  private static NodeProto node(String op, List<String> inputs, String output) {
    return NodeProto.newBuilder().setOpType(op).setName(op + "_" + output).addAllInput(inputs).addOutput(output).build();
  }

  private static ValueInfoProto value(String name) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(WIDTH));
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
  }
}
