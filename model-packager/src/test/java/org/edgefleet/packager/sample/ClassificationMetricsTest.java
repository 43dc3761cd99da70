package org.edgefleet.packager.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

  @Test
  void countsTheConfusionMatrixWithFaultAsPositive() {
    ClassificationMetrics m = ClassificationMetrics.of(new int[] {1, 1, 0, 0, 0, 1}, new int[] {1, 0, 0, 1, 0, 1});

    assertThat(m).isEqualTo(new ClassificationMetrics(2, 1, 2, 1));
    assertThat(m.accuracy()).isCloseTo(4 / 6.0, within(1e-12));
    assertThat(m.precision()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(m.recall()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(m.f1()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(m.summary()).startsWith("accuracy 0.6667, fault precision 0.6667, fault recall 0.6667");
  }

  @Test
  void undefinedRatiosAreZero() {
    ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 0}, new int[] {0, 0});

    assertThat(m.precision()).isZero();
    assertThat(m.recall()).isZero();
    assertThat(m.f1()).isZero();
    assertThat(m.accuracy()).isEqualTo(1.0);
  }
}
