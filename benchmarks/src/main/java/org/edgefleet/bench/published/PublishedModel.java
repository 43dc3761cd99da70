package org.edgefleet.bench.published;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.edgefleet.protocol.bundle.ModelFormat;

/**
 * The published models the benchmark runs, as test-models/fetch.sh puts them into a folder
 * (openWakeWord's, from npm; test-models/README.md): a float32 input and output each.
 */
enum PublishedModel {
  EMBEDDING_ONNX("speech embedding CNN", ModelFormat.ONNX, "embedding_model.onnx", "input_1", "conv2d_19",
      new long[] {1, 76, 32, 1}, 96),
  EMBEDDING_TFLITE("speech embedding CNN", ModelFormat.TFLITE, "embedding_model.tflite", "input_1", "conv2d_19",
      new long[] {1, 76, 32, 1}, 96),
  JARVIS_TFLITE("\"hey jarvis\" head", ModelFormat.TFLITE, "hey_jarvis_v0.1.tflite", "x.1", "53",
      new long[] {1, 16, 96}, 1);

  final String label;
  final ModelFormat format;
  final String file;
  final String input;
  final String output;
  final long[] shape;
  /** Values in one call's output. */
  final int outputSize;

  PublishedModel(String label, ModelFormat format, String file, String input, String output, long[] shape,
      int outputSize) {
    this.label = label;
    this.format = format;
    this.file = file;
    this.input = input;
    this.output = output;
    this.shape = shape;
    this.outputSize = outputSize;
  }

  /** The model name in the fleet: one per file. */
  String fleetName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  String runtime() {
    return format == ModelFormat.ONNX ? "ONNX Runtime" : "TFLite";
  }

  Path in(Path dir) {
    Path p = dir.resolve(file);
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException("--models " + dir + " has no " + file
          + ": fetch the published models into it first (bash test-models/fetch.sh " + dir + ")");
    }
    return p;
  }

  /** Inputs in the range of the real ones: log-mel features for the embedding, embeddings for the head. */
  float[][] inputs(int count, long seed) {
    Random random = new Random(seed);
    int size = Math.toIntExact(java.util.Arrays.stream(shape).reduce(1, Math::multiplyExact));
    float[][] rows = new float[count][size];
    for (float[] row : rows) {
      for (int i = 0; i < size; i++) {
        row[i] = this == JARVIS_TFLITE ? (float) random.nextGaussian() : 4 * random.nextFloat();
      }
    }
    return rows;
  }
}
