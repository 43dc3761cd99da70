package org.edgefleet.packager;

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

/** Small real ONNX models, written by hand, for cases the sample model does not cover. */
public final class TestModels {

  private TestModels() {}

  /** {@code y = x + 1} over float32 [batch, width], with no feature names in its metadata. */
  public static Path plusOne(Path file, int width) throws IOException {
    GraphProto graph = GraphProto.newBuilder()
        .setName("plus_one")
        .addInput(info("x", TensorProto.DataType.FLOAT, width))
        .addOutput(info("y", TensorProto.DataType.FLOAT, width))
        .addInitializer(TensorProto.newBuilder().setName("one").setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(1f))
        .addNode(NodeProto.newBuilder().setOpType("Add").addInput("x").addInput("one").addOutput("y"))
        .build();
    return write(file, graph);
  }

  /** {@code z = a + b}: two inputs, which the packager cannot feed from one CSV. */
  public static Path twoInputs(Path file) throws IOException {
    GraphProto graph = GraphProto.newBuilder()
        .setName("two_inputs")
        .addInput(info("a", TensorProto.DataType.FLOAT, 2))
        .addInput(info("b", TensorProto.DataType.FLOAT, 2))
        .addOutput(info("z", TensorProto.DataType.FLOAT, 2))
        .addNode(NodeProto.newBuilder().setOpType("Add").addInput("a").addInput("b").addOutput("z"))
        .build();
    return write(file, graph);
  }

  private static Path write(Path file, GraphProto graph) throws IOException {
    ModelProto model = ModelProto.newBuilder()
        .setIrVersion(8)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(graph)
        .build();
    Files.write(file, model.toByteArray());
    return file;
  }

  private static ValueInfoProto info(String name, TensorProto.DataType type, int width) {
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(type.getNumber())
            .setShape(TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width)))))
        .build();
  }
}
