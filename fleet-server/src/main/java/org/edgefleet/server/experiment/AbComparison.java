package org.edgefleet.server.experiment;

/**
 * Two A/B arms compared with a fixed-horizon test: the sample size per arm is declared before the
 * experiment starts, and the difference is judged only once both arms reached it (Welch's z-test
 * on the difference of means, two-sided, 95 %). Before that the answer is {@link Decision#COLLECTING},
 * whatever the data look like: looking early and stopping on the first significant reading is
 * what inflates false positives ("peeking"), and a fixed horizon is the simple guard against it.
 *
 * @param difference mean of {@code b} minus mean of {@code a}, with its 95 % interval
 */
public record AbComparison(ArmStats a, ArmStats b, long plannedPerArm, double difference, double differenceLow,
    double differenceHigh, double z, Decision decision) {

  /** What the comparison says. */
  public enum Decision {
    /** An arm has fewer outcomes than the planned sample size: no verdict yet. */
    COLLECTING,
    /** Both reached it and the interval of the difference excludes 0: {@code b} is better. */
    B_BETTER,
    /** Both reached it and the interval excludes 0 on the other side: {@code a} is better. */
    A_BETTER,
    /** Both reached it and the interval holds 0. */
    NOT_SIGNIFICANT
  }

  public static AbComparison of(ArmStats a, ArmStats b, long plannedPerArm) {
    if (plannedPerArm < 2) {
      throw new IllegalArgumentException("plannedPerArm must be at least 2, was " + plannedPerArm);
    }
    double diff = b.mean() - a.mean();
    double se = Math.sqrt(a.standardErrorSquared() + b.standardErrorSquared());
    double half = ArmStats.Z_95 * se;
    double z = se == 0 ? (diff == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, diff)) : diff / se;
    Decision d;
    if (a.count() < plannedPerArm || b.count() < plannedPerArm) {
      d = Decision.COLLECTING;
    } else if (Math.abs(z) <= ArmStats.Z_95) {
      d = Decision.NOT_SIGNIFICANT;
    } else {
      d = diff > 0 ? Decision.B_BETTER : Decision.A_BETTER;
    }
    return new AbComparison(a, b, plannedPerArm, diff, diff - half, diff + half, z, d);
  }

  /**
   * Outcomes per arm needed to detect a difference of means {@code minEffect} with 80 % power at
   * 95 % two-sided, for outcomes with standard deviation {@code sd}: 2 (z_0.975 + z_0.8)^2 sd^2 / effect^2.
   */
  public static long plannedSampleSize(double sd, double minEffect) {
    if (!(sd > 0) || !(minEffect > 0)) {
      throw new IllegalArgumentException("sd and minEffect must be > 0, were " + sd + " and " + minEffect);
    }
    double zPower = 0.8416212335729143;
    double n = 2 * Math.pow(ArmStats.Z_95 + zPower, 2) * sd * sd / (minEffect * minEffect);
    return Math.max(2, (long) Math.ceil(n));
  }
}
