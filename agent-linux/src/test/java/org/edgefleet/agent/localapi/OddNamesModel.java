package org.edgefleet.agent.localapi;

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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.bundle.BundleWriter;
import org.edgefleet.protocol.bundle.FileEntry;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.SigningKey;

/**
 * A real ONNX model whose tensor names are what exporters really write, {@code onnx::Flatten_0}
 * in and {@code mean/y:0} out: the row means of a float32 [batch, n] input, both dims dynamic.
 */
final class OddNamesModel {

  static final String NAME = "row-mean";
  static final String INPUT = "onnx::Flatten_0";
  static final String OUTPUT = "mean/y:0";

  private OddNamesModel() {}

  static byte[] onnx() {
    GraphProto graph = GraphProto.newBuilder()
        .setName("row_mean")
        .addInput(value(INPUT, "batch", "n"))
        .addOutput(value(OUTPUT, "batch", null))
        .addNode(NodeProto.newBuilder().setOpType("ReduceMean").setName("mean").addInput(INPUT).addOutput(OUTPUT)
            .addAttribute(AttributeProto.newBuilder().setName("axes").setType(AttributeProto.AttributeType.INTS).addInts(1))
            .addAttribute(AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT).setI(1)))
        .build();
    return ModelProto.newBuilder().setIrVersion(8).setProducerName("local-api-tests")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(graph).build().toByteArray();
  }

  private static ValueInfoProto value(String name, String dim0, String dim1) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(dim0));
    shape.addDim(dim1 == null ? TensorShapeProto.Dimension.newBuilder().setDimValue(1)
        : TensorShapeProto.Dimension.newBuilder().setDimParam(dim1));
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
  }

  /** The model as a signed bundle, version {@code version}. */
  static Path bundle(Path dir, SigningKey key, int version) throws IOException {
    byte[] model = onnx();
    Path src = Files.write(Files.createDirectories(dir).resolve("row-mean.onnx"), model);
    Manifest m = new Manifest(Manifest.SCHEMA, NAME, version, ModelFormat.ONNX, "model.onnx",
        new Manifest.RuntimeRequirements("0.1.0", List.of(), 13),
        List.of(new TensorSpec(INPUT, DType.FLOAT32, List.of(-1L, -1L))),
        List.of(new TensorSpec(OUTPUT, DType.FLOAT32, List.of(-1L, 1L))), null, null, null,
        List.of(new FileEntry("model.onnx", Sha256.hex(model), model.length)), Instant.now().minus(Duration.ofHours(1)),
        Instant.now().plus(Duration.ofDays(30)), key.keyId(), "row means, with exporter-style tensor names");
    Path out = dir.resolve("row-mean-v" + version + ".bundle");
    BundleWriter.write(m, Map.of("model.onnx", src), key, out);
    return out;
  }
}
