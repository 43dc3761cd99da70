package org.edgefleet.agent.testkit;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;

/**
 * A tiny classifier built in code, {@code probabilities = softmax(features . W + b)} and
 * {@code label = argmax}, written as a real ONNX model, with the same arithmetic in Java as the
 * reference for test vectors and assertions. Each version has its own weights.
 */
public record LinearModel(float[][] w, float[] b) {

  public static final String INPUT = "features";
  public static final String PROBABILITIES = "probabilities";
  public static final String LABEL = "label";
  public static final int FEATURES = 3;
  public static final int CLASSES = 2;

  /** Deterministic weights that differ per version. */
  public static LinearModel version(int v) {
    float[][] w = new float[FEATURES][CLASSES];
    for (int i = 0; i < FEATURES; i++) {
      for (int j = 0; j < CLASSES; j++) {
        w[i][j] = (float) Math.sin(v * 1.7 + i * 0.9 + j * 2.3);
      }
    }
    return new LinearModel(w, new float[] {0.1f * v, -0.05f * v});
  }

  public float[] probabilities(float[] x) {
    double[] logits = new double[CLASSES];
    for (int j = 0; j < CLASSES; j++) {
      double s = b[j];
      for (int i = 0; i < FEATURES; i++) {
        s += x[i] * w[i][j];
      }
      logits[j] = s;
    }
    double max = Math.max(logits[0], logits[1]);
    double e0 = Math.exp(logits[0] - max);
    double e1 = Math.exp(logits[1] - max);
    return new float[] {(float) (e0 / (e0 + e1)), (float) (e1 / (e0 + e1))};
  }

  public byte[] onnx() {
    TensorProto.Builder weights = TensorProto.newBuilder().setName("W").setDataType(TensorProto.DataType.FLOAT_VALUE)
        .addDims(FEATURES).addDims(CLASSES);
    for (float[] row : w) {
      for (float f : row) {
        weights.addFloatData(f);
      }
    }
    TensorProto.Builder bias = TensorProto.newBuilder().setName("b").setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(CLASSES);
    for (float f : b) {
      bias.addFloatData(f);
    }
    GraphProto graph = GraphProto.newBuilder()
        .setName("linear")
        .addInput(value(INPUT, TensorProto.DataType.FLOAT_VALUE, List.of(-1, FEATURES)))
        .addOutput(value(PROBABILITIES, TensorProto.DataType.FLOAT_VALUE, List.of(-1, CLASSES)))
        .addOutput(value(LABEL, TensorProto.DataType.INT64_VALUE, List.of(-1)))
        .addInitializer(weights)
        .addInitializer(bias)
        .addNode(node("MatMul", List.of(INPUT, "W"), "xw"))
        .addNode(node("Add", List.of("xw", "b"), "logits"))
        .addNode(node("Softmax", List.of("logits"), PROBABILITIES).toBuilder().addAttribute(intAttr("axis", 1)))
        .addNode(node("ArgMax", List.of("logits"), LABEL).toBuilder()
            .addAttribute(intAttr("axis", 1)).addAttribute(intAttr("keepdims", 0)))
        .build();
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("edge-agent-tests")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(graph)
        .build()
        .toByteArray();
  }

  private static NodeProto node(String op, List<String> inputs, String output) {
    return NodeProto.newBuilder().setOpType(op).setName(op + "_" + output).addAllInput(inputs).addOutput(output).build();
  }

  private static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  private static ValueInfoProto value(String name, int elemType, List<Integer> dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (int d : dims) {
      shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
          : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }
}
