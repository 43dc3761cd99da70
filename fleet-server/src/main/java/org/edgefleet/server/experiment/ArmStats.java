package org.edgefleet.server.experiment;

/**
 * The outcomes of one A/B arm, from the sums devices send (count, sum, sum of squares): mean,
 * sample variance, and the 95 % confidence interval of the mean (normal approximation).
 */
public record ArmStats(long count, double mean, double variance, double ciLow, double ciHigh) {

  /** The two-sided 97.5 % quantile of the standard normal distribution. */
  static final double Z_95 = 1.959963984540054;

  public static ArmStats of(long count, double sum, double sumSquares) {
    if (count < 2 || !Double.isFinite(sum) || !Double.isFinite(sumSquares)) {
      throw new IllegalArgumentException("an arm needs at least 2 finite outcomes, had " + count);
    }
    double mean = sum / count;
    // Clamped at 0: rounding can make sumSquares - n * mean^2 slightly negative for constant outcomes.
    double variance = Math.max(0, (sumSquares - count * mean * mean) / (count - 1));
    double half = Z_95 * Math.sqrt(variance / count);
    return new ArmStats(count, mean, variance, mean - half, mean + half);
  }

  double standardErrorSquared() {
    return variance / count;
  }
}
