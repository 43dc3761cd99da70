package org.edgefleet.server.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AbComparisonTest {

  @Test
  void armMeanAndIntervalMatchTheTextbookFormulas() {
    // Outcomes 1, 2, 3, 4, 5: mean 3, sample variance 2.5.
    ArmStats s = ArmStats.of(5, 15, 55);
    assertThat(s.mean()).isEqualTo(3.0);
    assertThat(s.variance()).isEqualTo(2.5, within(1e-12));
    double half = 1.959963984540054 * Math.sqrt(2.5 / 5);
    assertThat(s.ciLow()).isEqualTo(3 - half, within(1e-12));
    assertThat(s.ciHigh()).isEqualTo(3 + half, within(1e-12));
  }

  @Test
  void aKnownEffectIsFoundOnceThePlannedSampleIsReached() {
    long planned = AbComparison.plannedSampleSize(1.0, 0.2);
    assertThat(planned).isEqualTo(393);
    ArmStats a = arm(new Random(1), planned, 0.0);
    ArmStats b = arm(new Random(2), planned, 0.3);
    AbComparison c = AbComparison.of(a, b, planned);
    assertThat(c.decision()).isEqualTo(AbComparison.Decision.B_BETTER);
    assertThat(c.differenceLow()).isPositive();
    assertThat(AbComparison.of(b, a, planned).decision()).isEqualTo(AbComparison.Decision.A_BETTER);
  }

  @Test
  void noEffectIsNotSignificantAndEarlyLooksGiveNoVerdict() {
    long planned = 400;
    AbComparison same = AbComparison.of(arm(new Random(3), planned, 0.5), arm(new Random(4), planned, 0.5), planned);
    assertThat(same.decision()).isEqualTo(AbComparison.Decision.NOT_SIGNIFICANT);
    assertThat(same.differenceLow()).isNegative();
    assertThat(same.differenceHigh()).isPositive();
    // A huge early difference is still only COLLECTING: no peeking.
    AbComparison early = AbComparison.of(arm(new Random(5), 50, 0), arm(new Random(6), 50, 5), planned);
    assertThat(early.decision()).isEqualTo(AbComparison.Decision.COLLECTING);
  }

  @Test
  void constantOutcomesAndBadInputAreHandled() {
    ArmStats zeros = ArmStats.of(10, 0, 0);
    ArmStats ones = ArmStats.of(10, 10, 10);
    assertThat(zeros.variance()).isZero();
    assertThat(AbComparison.of(zeros, ones, 10).decision()).isEqualTo(AbComparison.Decision.B_BETTER);
    assertThat(AbComparison.of(zeros, zeros, 10).decision()).isEqualTo(AbComparison.Decision.NOT_SIGNIFICANT);
    assertThatThrownBy(() -> ArmStats.of(1, 1, 1)).hasMessageContaining("at least 2");
    assertThatThrownBy(() -> ArmStats.of(5, Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AbComparison.of(zeros, ones, 1)).hasMessageContaining("plannedPerArm");
    assertThatThrownBy(() -> AbComparison.plannedSampleSize(0, 1)).hasMessageContaining("sd");
  }

  private static ArmStats arm(Random r, long n, double mean) {
    double sum = 0;
    double squares = 0;
    for (long i = 0; i < n; i++) {
      double x = mean + r.nextGaussian();
      sum += x;
      squares += x * x;
    }
    return ArmStats.of(n, sum, squares);
  }
}
