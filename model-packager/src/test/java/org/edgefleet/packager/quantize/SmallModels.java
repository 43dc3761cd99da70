package org.edgefleet.packager.quantize;

import static org.edgefleet.packager.quantize.OnnxTensors.floatInfo;
import static org.edgefleet.packager.quantize.OnnxTensors.floatTensor;
import static org.edgefleet.packager.quantize.OnnxTensors.intAttribute;
import static org.edgefleet.packager.quantize.OnnxTensors.node;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.edgefleet.packager.csv.CsvTable;

/** Hand-built ONNX models for the quantizer's edge cases, with fixed pseudo-random weights. */
final class SmallModels {

  static final int WIDTH = 6;
  static final int HIDDEN = 12;
  static final int OUT = 3;

  private SmallModels() {}

  /**
   * {@code y = MatMul(MatMul(x, W), Transpose(Vt))}: the second MatMul's weight is computed by
   * a Transpose, not an initializer, so it must stay float. The output is a plain float output.
   */
  static Path computedWeight(Path file) throws IOException {
    GraphProto graph = GraphProto.newBuilder().setName("computed_weight")
        .addInput(floatInfo("x", -1, WIDTH)).addOutput(floatInfo("y", -1, OUT))
        .addInitializer(floatTensor("W", weights(WIDTH * HIDDEN, 1), WIDTH, HIDDEN))
        .addInitializer(floatTensor("Vt", weights(OUT * HIDDEN, 2), OUT, HIDDEN))
        .addNode(node("MatMul", "first", List.of("x", "W"), "h"))
        .addNode(node("Transpose", "transpose", List.of("Vt"), "V"))
        .addNode(node("MatMul", "second", List.of("h", "V"), "y"))
        .build();
    return write(file, graph, 13);
  }

  /** {@code probabilities = Softmax(Gemm(x, W, b))}, or without the Softmax, at the given opset. */
  static Path gemm(Path file, long opset, boolean softmax) throws IOException {
    GraphProto.Builder graph = GraphProto.newBuilder().setName("gemm")
        .addInput(floatInfo("x", -1, WIDTH)).addOutput(floatInfo(softmax ? "probabilities" : "logits", -1, OUT))
        .addInitializer(floatTensor("W", weights(WIDTH * OUT, 3), WIDTH, OUT))
        .addInitializer(floatTensor("b", weights(OUT, 4), OUT))
        .addNode(node("Gemm", "gemm", List.of("x", "W", "b"), "logits"));
    if (softmax) {
      graph.addNode(node("Softmax", "softmax", List.of("logits"), "probabilities", intAttribute("axis", 1)));
    }
    return write(file, graph.build(), opset);
  }

  /** Rows of x for these models, {@value #WIDTH} columns x0..x5. */
  static Path rows(Path file, int count, long seed) throws IOException {
    Random random = new Random(seed);
    float[][] rows = new float[count][WIDTH];
    for (float[] row : rows) {
      for (int i = 0; i < WIDTH; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    CsvTable.of(List.of("x0", "x1", "x2", "x3", "x4", "x5"), rows).write(file);
    return file;
  }

  private static float[] weights(int count, long seed) {
    Random random = new Random(seed);
    float[] w = new float[count];
    for (int i = 0; i < count; i++) {
      w[i] = (float) (random.nextGaussian() * 0.5);
    }
    return w;
  }

  private static Path write(Path file, GraphProto graph, long opset) throws IOException {
    ModelProto model = ModelProto.newBuilder().setIrVersion(opset >= 13 ? 7 : 6)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(graph).build();
    Files.write(file, model.toByteArray());
    return file;
  }
}
