package org.edgefleet.packager.sample;

import static org.edgefleet.packager.quantize.OnnxTensors.floatInfo;
import static org.edgefleet.packager.quantize.OnnxTensors.floatTensor;
import static org.edgefleet.packager.quantize.OnnxTensors.intAttribute;
import static org.edgefleet.packager.quantize.OnnxTensors.intsAttribute;
import static org.edgefleet.packager.quantize.OnnxTensors.node;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A small image classifier for {@link ShapeImages}, to quantize convolutions with: eight fixed
 * 3x3 filters (line and edge detectors) feed Relu, 2x2 max pooling and a softmax classifier
 * head fitted to the filters' responses by gradient descent. Its weights are structured, not
 * random, so quantization errors show up as changed predictions.
 *
 * <pre>
 * image[batch,1,S,S] -Conv(8 filters 3x3)-Relu-MaxPool(2x2)-Flatten-Gemm(transB)-Softmax-> probabilities[batch,4]
 * </pre>
 *
 * <p>S is the training images' size (16 by default): larger images make a larger head.
 */
public final class ShapesCnn {

  public static final String INPUT = "image";
  public static final String OUTPUT = "probabilities";
  static final int FILTERS = 8;
  private static final float FILTER_BIAS = -0.1f;
  private static final int EPOCHS = 300;
  private static final float LEARNING_RATE = 0.5f;

  private final int size;
  private final float[] filters;
  private final float[] head;
  private final float[] headBias;

  private ShapesCnn(int size, float[] filters, float[] head, float[] headBias) {
    this.size = size;
    this.filters = filters;
    this.head = head;
    this.headBias = headBias;
  }

  /** Values the classifier head reads from an image of {@code size} pixels: 8 filters x pooled rows x pooled columns. */
  static int featureCount(int size) {
    int pooled = (size - 2) / 2;
    return FILTERS * pooled * pooled;
  }

  /** Fits the classifier head on {@code training} images; deterministic for the same images. */
  public static ShapesCnn train(ShapeImages.Set training) {
    float[] filters = filters();
    int size = training.size();
    int featureCount = featureCount(size);
    float[][] features = new float[training.images().length][];
    for (int i = 0; i < features.length; i++) {
      features[i] = features(filters, training.images()[i], size);
    }
    int classes = ShapeImages.CLASSES;
    float[] head = new float[classes * featureCount];
    float[] bias = new float[classes];
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      float[] gradient = new float[head.length];
      float[] biasGradient = new float[classes];
      for (int i = 0; i < features.length; i++) {
        float[] p = softmax(logits(head, bias, features[i]));
        for (int k = 0; k < classes; k++) {
          float error = (p[k] - (training.labels()[i] == k ? 1 : 0)) / features.length;
          biasGradient[k] += error;
          for (int f = 0; f < featureCount; f++) {
            gradient[k * featureCount + f] += error * features[i][f];
          }
        }
      }
      for (int j = 0; j < head.length; j++) {
        head[j] -= LEARNING_RATE * gradient[j];
      }
      for (int k = 0; k < classes; k++) {
        bias[k] -= LEARNING_RATE * biasGradient[k];
      }
    }
    return new ShapesCnn(size, filters, head, bias);
  }

  /** The class the model predicts for each image, computed in Java the way the ONNX graph does. */
  public int[] predict(float[][] images) {
    int[] out = new int[images.length];
    for (int i = 0; i < images.length; i++) {
      float[] p = logits(head, headBias, features(filters, images[i], size));
      int best = 0;
      for (int k = 1; k < p.length; k++) {
        best = p[k] > p[best] ? k : best;
      }
      out[i] = best;
    }
    return out;
  }

  public void write(Path file) throws IOException {
    Files.write(file, toModel().toByteArray());
  }

  public ModelProto toModel() {
    float[] filterBias = new float[FILTERS];
    Arrays.fill(filterBias, FILTER_BIAS);
    GraphProto graph = GraphProto.newBuilder()
        .setName("shapes_cnn")
        .addInput(floatInfo(INPUT, -1, 1, size, size))
        .addOutput(floatInfo(OUTPUT, -1, ShapeImages.CLASSES))
        .addInitializer(floatTensor("conv_w", filters, FILTERS, 1, 3, 3))
        .addInitializer(floatTensor("conv_b", filterBias, FILTERS))
        .addInitializer(floatTensor("head_w", head, ShapeImages.CLASSES, featureCount(size)))
        .addInitializer(floatTensor("head_b", headBias, ShapeImages.CLASSES))
        .addNode(node("Conv", "conv", List.of(INPUT, "conv_w", "conv_b"), "conv_out",
            intsAttribute("kernel_shape", 3, 3)))
        .addNode(node("Relu", "relu", List.of("conv_out"), "relu_out"))
        .addNode(node("MaxPool", "pool", List.of("relu_out"), "pool_out",
            intsAttribute("kernel_shape", 2, 2), intsAttribute("strides", 2, 2)))
        .addNode(node("Flatten", "flatten", List.of("pool_out"), "flat", intAttribute("axis", 1)))
        .addNode(node("Gemm", "head", List.of("flat", "head_w", "head_b"), "logits", intAttribute("transB", 1)))
        .addNode(node("Softmax", "softmax", List.of("logits"), OUTPUT, intAttribute("axis", 1)))
        .build();
    return ModelProto.newBuilder()
        .setIrVersion(OnnxExporter.IR_VERSION)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxExporter.OPSET))
        .setProducerName("edgefleet-model-packager")
        .setGraph(graph)
        .build();
  }

  /** Line detectors (horizontal, vertical, both diagonals) and edge detectors (both signs, both directions). */
  private static float[] filters() {
    float[][] kernels = {
        {-1, -1, -1, 2, 2, 2, -1, -1, -1},
        {-1, 2, -1, -1, 2, -1, -1, 2, -1},
        {2, -1, -1, -1, 2, -1, -1, -1, 2},
        {-1, -1, 2, -1, 2, -1, 2, -1, -1},
        {1, 2, 1, 0, 0, 0, -1, -2, -1},
        {-1, -2, -1, 0, 0, 0, 1, 2, 1},
        {1, 0, -1, 2, 0, -2, 1, 0, -1},
        {-1, 0, 1, -2, 0, 2, -1, 0, 1}};
    float[] out = new float[FILTERS * 9];
    for (int f = 0; f < FILTERS; f++) {
      for (int j = 0; j < 9; j++) {
        out[f * 9 + j] = kernels[f][j] / (f < 4 ? 3f : 4f);
      }
    }
    return out;
  }

  /** Conv (no padding) + bias, Relu, 2x2 max pooling, flattened channel-major: the graph's front half. */
  private static float[] features(float[] filters, float[] image, int size) {
    int pooled = (size - 2) / 2;
    float[] out = new float[featureCount(size)];
    for (int f = 0; f < FILTERS; f++) {
      for (int pr = 0; pr < pooled; pr++) {
        for (int pc = 0; pc < pooled; pc++) {
          float best = Float.NEGATIVE_INFINITY;
          for (int r = 2 * pr; r < 2 * pr + 2; r++) {
            for (int c = 2 * pc; c < 2 * pc + 2; c++) {
              float sum = FILTER_BIAS;
              for (int kr = 0; kr < 3; kr++) {
                for (int kc = 0; kc < 3; kc++) {
                  sum += filters[f * 9 + kr * 3 + kc] * image[(r + kr) * size + c + kc];
                }
              }
              best = Math.max(best, Math.max(0, sum));
            }
          }
          out[(f * pooled + pr) * pooled + pc] = best;
        }
      }
    }
    return out;
  }

  private static float[] logits(float[] head, float[] bias, float[] features) {
    float[] out = bias.clone();
    for (int k = 0; k < out.length; k++) {
      for (int f = 0; f < features.length; f++) {
        out[k] += head[k * features.length + f] * features[f];
      }
    }
    return out;
  }

  private static float[] softmax(float[] logits) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    float sum = 0;
    float[] out = new float[logits.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = (float) Math.exp(logits[k] - max);
      sum += out[k];
    }
    for (int k = 0; k < out.length; k++) {
      out[k] /= sum;
    }
    return out;
  }
}
