package org.edgefleet.packager.sample;

import java.util.Arrays;
import java.util.Random;

/**
 * Trains an {@link Mlp} with mini-batch Adam on softmax cross-entropy. Inputs are standardized
 * with statistics of the training rows; the standardizer becomes part of the model.
 *
 * <p>Deterministic: weight initialisation and batch order come from one Random seeded by
 * {@link #withSeed}, the arithmetic is plain sequential Java and transcendental functions come
 * from StrictMath (Math may use platform intrinsics), so the same data and settings give
 * bit-identical weights on every JVM and CPU. Immutable; {@code withX} methods return copies.
 */
public final class MlpTrainer {

  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  private final int hiddenUnits;
  private final int epochs;
  private final int batchSize;
  private final double learningRate;
  private final long seed;

  private MlpTrainer(int hiddenUnits, int epochs, int batchSize, double learningRate, long seed) {
    this.hiddenUnits = hiddenUnits;
    this.epochs = epochs;
    this.batchSize = batchSize;
    this.learningRate = learningRate;
    this.seed = seed;
  }

  /** 16 hidden units, 40 epochs, batches of 32, learning rate 0.005, seed 0. */
  public static MlpTrainer create() {
    return new MlpTrainer(16, 40, 32, 0.005, 0);
  }

  public MlpTrainer withHiddenUnits(int units) {
    return new MlpTrainer(positive(units, "hidden units"), epochs, batchSize, learningRate, seed);
  }

  public MlpTrainer withEpochs(int count) {
    return new MlpTrainer(hiddenUnits, positive(count, "epochs"), batchSize, learningRate, seed);
  }

  public MlpTrainer withBatchSize(int size) {
    return new MlpTrainer(hiddenUnits, epochs, positive(size, "batch size"), learningRate, seed);
  }

  public MlpTrainer withLearningRate(double rate) {
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("learning rate must be a positive finite number, got " + rate);
    }
    return new MlpTrainer(hiddenUnits, epochs, batchSize, rate, seed);
  }

  public MlpTrainer withSeed(long newSeed) {
    return new MlpTrainer(hiddenUnits, epochs, batchSize, learningRate, newSeed);
  }

  public Mlp train(MotorDataset data) {
    return train(data.features(), data.labels());
  }

  /**
   * Trains on the rows and their class indices (0..k-1; k is the largest label plus one, at
   * least 2).
   */
  public Mlp train(float[][] rows, int[] labels) {
    if (rows.length == 0 || rows.length != labels.length) {
      throw new IllegalArgumentException("need a non-empty set of rows with one label each, got "
          + rows.length + " rows and " + labels.length + " labels");
    }
    int classes = 2;
    for (int label : labels) {
      if (label < 0) {
        throw new IllegalArgumentException("labels must be class indices >= 0, got " + label);
      }
      classes = Math.max(classes, label + 1);
    }
    Standardizer standardizer = Standardizer.fit(rows);
    float[][] x = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      x[i] = standardizer.apply(rows[i]);
    }
    Random random = new Random(seed);
    int inputs = standardizer.size();
    // He initialisation for the ReLU layer, Glorot-style for the linear output.
    Param w1 = Param.gaussian(inputs * hiddenUnits, StrictMath.sqrt(2.0 / inputs), random);
    Param b1 = Param.zeros(hiddenUnits);
    Param w2 = Param.gaussian(hiddenUnits * classes, StrictMath.sqrt(1.0 / hiddenUnits), random);
    Param b2 = Param.zeros(classes);
    Param[] params = {w1, b1, w2, b2};

    int[] order = new int[rows.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    double[] h = new double[hiddenUnits];
    double[] dh = new double[hiddenUnits];
    double[] p = new double[classes];
    int step = 0;
    for (int epoch = 0; epoch < epochs; epoch++) {
      shuffle(order, random);
      for (int start = 0; start < order.length; start += batchSize) {
        int end = Math.min(order.length, start + batchSize);
        for (Param param : params) {
          Arrays.fill(param.grad, 0);
        }
        for (int b = start; b < end; b++) {
          float[] xi = x[order[b]];
          int yi = labels[order[b]];
          forward(xi, w1.value, b1.value, w2.value, b2.value, h, p, inputs, classes);
          // d(cross-entropy)/d(logit) = p - onehot(y); averaged over the batch below.
          p[yi] -= 1;
          Arrays.fill(dh, 0);
          for (int k = 0; k < hiddenUnits; k++) {
            for (int j = 0; j < classes; j++) {
              w2.grad[k * classes + j] += h[k] * p[j];
              dh[k] += w2.value[k * classes + j] * p[j];
            }
          }
          for (int j = 0; j < classes; j++) {
            b2.grad[j] += p[j];
          }
          for (int k = 0; k < hiddenUnits; k++) {
            if (h[k] <= 0) {
              continue;
            }
            for (int i = 0; i < inputs; i++) {
              w1.grad[i * hiddenUnits + k] += xi[i] * dh[k];
            }
            b1.grad[k] += dh[k];
          }
        }
        step++;
        for (Param param : params) {
          param.adamStep(learningRate, 1.0 / (end - start), step);
        }
      }
    }
    return Mlp.of(standardizer,
        DenseLayer.of(inputs, hiddenUnits, w1.toFloats(), b1.toFloats()),
        DenseLayer.of(hiddenUnits, classes, w2.toFloats(), b2.toFloats()));
  }

  private void forward(float[] x, double[] w1, double[] b1, double[] w2, double[] b2,
             double[] h, double[] p, int inputs, int classes) {
    for (int k = 0; k < hiddenUnits; k++) {
      double sum = b1[k];
      for (int i = 0; i < inputs; i++) {
        sum += x[i] * w1[i * hiddenUnits + k];
      }
      h[k] = Math.max(0, sum);
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < classes; j++) {
      double sum = b2[j];
      for (int k = 0; k < hiddenUnits; k++) {
        sum += h[k] * w2[k * classes + j];
      }
      p[j] = sum;
      max = Math.max(max, sum);
    }
    double total = 0;
    for (int j = 0; j < classes; j++) {
      p[j] = StrictMath.exp(p[j] - max);
      total += p[j];
    }
    for (int j = 0; j < classes; j++) {
      p[j] /= total;
    }
  }

  /** Fisher-Yates with our own Random, so the order does not depend on Collections internals. */
  private static void shuffle(int[] order, Random random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
  }

  private static int positive(int value, String what) {
    if (value <= 0) {
      throw new IllegalArgumentException(what + " must be > 0, got " + value);
    }
    return value;
  }

  /** A parameter tensor with its gradient and Adam moments. */
  private static final class Param {
    final double[] value;
    final double[] grad;
    final double[] m;
    final double[] v;

    Param(double[] value) {
      this.value = value;
      this.grad = new double[value.length];
      this.m = new double[value.length];
      this.v = new double[value.length];
    }

    static Param zeros(int size) {
      return new Param(new double[size]);
    }

    static Param gaussian(int size, double std, Random random) {
      double[] value = new double[size];
      for (int i = 0; i < size; i++) {
        value[i] = std * random.nextGaussian();
      }
      return new Param(value);
    }

    void adamStep(double rate, double gradScale, int step) {
      double correction1 = 1 - StrictMath.pow(BETA1, step);
      double correction2 = 1 - StrictMath.pow(BETA2, step);
      for (int i = 0; i < value.length; i++) {
        double g = grad[i] * gradScale;
        m[i] = BETA1 * m[i] + (1 - BETA1) * g;
        v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
        value[i] -= rate * (m[i] / correction1) / (StrictMath.sqrt(v[i] / correction2) + EPSILON);
      }
    }

    float[] toFloats() {
      float[] out = new float[value.length];
      for (int i = 0; i < value.length; i++) {
        out[i] = (float) value[i];
      }
      return out;
    }
  }
}
