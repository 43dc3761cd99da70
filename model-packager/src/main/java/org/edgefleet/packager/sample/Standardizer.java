package org.edgefleet.packager.sample;

import java.util.Arrays;

/**
 * Per-feature {@code (x - mean) * invStd}, fitted on training data and exported as the first
 * two operators of the model, so devices feed raw sensor features.
 */
public final class Standardizer {

  /** Constant features would divide by zero; treat their spread as this instead. */
  private static final double MIN_STD = 1e-6;

  private final float[] mean;
  private final float[] invStd;

  private Standardizer(float[] mean, float[] invStd) {
    this.mean = mean;
    this.invStd = invStd;
  }

  /** Mean and population standard deviation of each column. */
  public static Standardizer fit(float[][] rows) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("cannot fit a standardizer on zero rows");
    }
    int width = rows[0].length;
    double[] sum = new double[width];
    double[] sumSq = new double[width];
    for (float[] row : rows) {
      for (int c = 0; c < width; c++) {
        sum[c] += row[c];
        sumSq[c] += (double) row[c] * row[c];
      }
    }
    float[] mean = new float[width];
    float[] invStd = new float[width];
    for (int c = 0; c < width; c++) {
      double m = sum[c] / rows.length;
      double variance = Math.max(0, sumSq[c] / rows.length - m * m);
      mean[c] = (float) m;
      invStd[c] = (float) (1 / Math.max(MIN_STD, Math.sqrt(variance)));
    }
    return new Standardizer(mean, invStd);
  }

  public int size() {
    return mean.length;
  }

  public float[] mean() {
    return mean.clone();
  }

  public float[] invStd() {
    return invStd.clone();
  }

  /** Standardizes one row in float arithmetic, exactly as the exported Sub and Mul do. */
  public float[] apply(float[] row) {
    if (row.length != mean.length) {
      throw new IllegalArgumentException("expected " + mean.length + " features, got " + row.length);
    }
    float[] out = new float[row.length];
    for (int c = 0; c < row.length; c++) {
      out[c] = (row[c] - mean[c]) * invStd[c];
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Standardizer other && Arrays.equals(mean, other.mean) && Arrays.equals(invStd, other.invStd);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(invStd);
  }

  @Override
  public String toString() {
    return "Standardizer[mean=" + Arrays.toString(mean) + ", invStd=" + Arrays.toString(invStd) + "]";
  }
}
