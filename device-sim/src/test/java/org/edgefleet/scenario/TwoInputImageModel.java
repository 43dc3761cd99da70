package org.edgefleet.scenario;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.edgefleet.packager.onnx.OnnxModel;
import org.edgefleet.protocol.bundle.BundleWriter;
import org.edgefleet.protocol.bundle.FileEntry;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.SigningKey;

/**
 * A model that is nothing like the motor rows: two inputs, one of them an image-like 4-D tensor,
 * and two 4-D outputs ({@code scaled = pixels * gain}, {@code shifted = scaled + bias}), built in
 * code as ONNX and bundled with test vectors that ONNX Runtime computed here.
 */
final class TwoInputImageModel {

  static final String NAME = "pixel-gain";
  static final long[] PIXELS = {1, 2, 3, 3};
  static final long[] GAIN = {1, 1, 1, 1};
  private static final String FILE = "model.onnx";

  private TwoInputImageModel() {}

  /** A bundle file and the manifest it holds. */
  record Built(Path bundle, Manifest manifest) {}

  /** Writes the model and a signed bundle of it with {@code vectors} test vectors. */
  static Built bundle(Path dir, SigningKey key, int version, int vectors) throws Exception {
    Files.createDirectories(dir);
    Path model = dir.resolve(NAME + ".onnx");
    Files.write(model, model().toByteArray());
    Manifest manifest;
    try (OnnxModel onnx = OnnxModel.open(model)) {
      List<TestVector> tests = new ArrayList<>();
      Random random = new Random(version);
      for (int i = 0; i < vectors; i++) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("pixels", Tensor.ofFloats(PIXELS, randoms(random, 18)));
        in.put("gain", Tensor.ofFloats(GAIN, new float[] {0.5f + random.nextFloat()}));
        tests.add(new TestVector(in, onnx.run(in), 1e-5));
      }
      FileEntry entry = BundleWriter.entryFor(FILE, model);
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      manifest = new Manifest(Manifest.SCHEMA, NAME, version, ModelFormat.ONNX, FILE,
          new Manifest.RuntimeRequirements("0.2.0", List.of("x86_64", "aarch64"), 13), onnx.inputs(), onnx.outputs(),
          null, List.of(), tests, List.of(entry), now, now.plus(Duration.ofDays(30)), key.keyId(), "two inputs, 4-D");
    }
    Path out = dir.resolve(NAME + "-" + version + ".bundle");
    BundleWriter.write(manifest, Map.of(FILE, model), key, out);
    return new Built(out, manifest);
  }

  private static ModelProto model() {
    GraphProto graph = GraphProto.newBuilder().setName(NAME)
        .addInput(info("pixels", PIXELS)).addInput(info("gain", GAIN))
        .addOutput(info("scaled", PIXELS)).addOutput(info("shifted", PIXELS))
        .addInitializer(floats("bias", new float[] {0.25f, -0.75f}, 1, 2, 1, 1))
        .addNode(node("Mul", List.of("pixels", "gain"), "scaled"))
        .addNode(node("Add", List.of("scaled", "bias"), "shifted"))
        .build();
    return ModelProto.newBuilder().setIrVersion(8)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setProducerName("edgefleet-scenario").setGraph(graph).build();
  }

  private static float[] randoms(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = random.nextFloat() * 2 - 1;
    }
    return v;
  }

  private static ValueInfoProto info(String name, long[] dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
  }

  private static TensorProto floats(String name, float[] values, long... dims) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
        .setRawData(ByteString.copyFrom(buffer.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static NodeProto node(String op, List<String> inputs, String output) {
    return NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output).build();
  }

  /** Writes each vector's inputs as one tensors file of the simulator's files: source. */
  static void writeInputFiles(Manifest manifest, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<TestVector> vectors = manifest.testVectors();
    for (int i = 0; i < vectors.size(); i++) {
      Files.write(dir.resolve(String.format("call-%03d.json", i)), Json.write(vectors.get(i).inputs()));
    }
  }
}
