package org.edgefleet.packager.sample;

import java.util.Locale;

/**
 * Binary confusion counts with class 1 (fault) as the positive class, and the figures derived
 * from them. Precision and recall are 0 when undefined (no predicted or no actual faults).
 */
public record ClassificationMetrics(int truePositives, int falsePositives, int trueNegatives, int falseNegatives) {

  public ClassificationMetrics {
    if (truePositives < 0 || falsePositives < 0 || trueNegatives < 0 || falseNegatives < 0) {
      throw new IllegalArgumentException("confusion counts must be >= 0");
    }
  }

  public static ClassificationMetrics of(int[] predicted, int[] actual) {
    if (predicted.length != actual.length) {
      throw new IllegalArgumentException(predicted.length + " predictions for " + actual.length + " labels");
    }
    int tp = 0;
    int fp = 0;
    int tn = 0;
    int fn = 0;
    for (int i = 0; i < actual.length; i++) {
      boolean predictedFault = predicted[i] == 1;
      boolean actualFault = actual[i] == 1;
      if (predictedFault && actualFault) {
        tp++;
      } else if (predictedFault) {
        fp++;
      } else if (actualFault) {
        fn++;
      } else {
        tn++;
      }
    }
    return new ClassificationMetrics(tp, fp, tn, fn);
  }

  public int total() {
    return truePositives + falsePositives + trueNegatives + falseNegatives;
  }

  public double accuracy() {
    return ratio(truePositives + trueNegatives, total());
  }

  /** Of the rows flagged as faults, the share that are faults. */
  public double precision() {
    return ratio(truePositives, truePositives + falsePositives);
  }

  /** Of the faults, the share flagged. */
  public double recall() {
    return ratio(truePositives, truePositives + falseNegatives);
  }

  public double f1() {
    double p = precision();
    double r = recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  private static double ratio(int numerator, int denominator) {
    return denominator == 0 ? 0 : (double) numerator / denominator;
  }

  /** One line for logs and the CLI, e.g. {@code accuracy 0.962, fault precision 0.91 ...}. */
  public String summary() {
    return String.format(Locale.ROOT,
        "accuracy %.4f, fault precision %.4f, fault recall %.4f, F1 %.4f (TP %d, FP %d, TN %d, FN %d)",
        accuracy(), precision(), recall(), f1(), truePositives, falsePositives, trueNegatives, falseNegatives);
  }
}
