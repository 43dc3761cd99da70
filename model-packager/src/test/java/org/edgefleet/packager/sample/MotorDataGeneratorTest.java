package org.edgefleet.packager.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class MotorDataGeneratorTest {

  private final MotorDataGenerator generator = MotorDataGenerator.create();

  @Test
  void theSameSeedGivesTheSameRows() {
    assertThat(generator.dataset(500, 11)).isEqualTo(generator.dataset(500, 11));
    assertThat(generator.sample(5L)).isEqualTo(generator.sample(5L));
    assertThat(generator.dataset(500, 12)).isNotEqualTo(generator.dataset(500, 11));
  }

  @Test
  void aSharedRandomGivesTheSameRowsAsTheDataset() {
    Random random = new Random(3);
    MotorDataset data = generator.dataset(3, 3);
    for (int i = 0; i < 3; i++) {
      assertThat(generator.sample(random)).isEqualTo(data.get(i));
    }
  }

  @Test
  void namesTheEightFeaturesInRowOrder() {
    assertThat(MotorDataGenerator.featureNames()).containsExactly("vib_rms_x", "vib_rms_y", "vib_rms_z",
        "vib_kurtosis", "vib_crest_factor", "bearing_temp_c", "winding_current_a", "rpm");
    assertThat(generator.sample(1L).features()).hasSize(MotorFeature.COUNT);
  }

  @Test
  void aboutFifteenPercentOfRowsAreFaults() {
    MotorDataset data = generator.dataset(10_000, 1);
    assertThat(data.faultCount() / 10_000.0).isCloseTo(0.15, within(0.015));
    assertThat(generator.withFaultRate(0).dataset(1000, 1).faultCount()).isZero();
    assertThat(generator.withFaultRate(1).dataset(1000, 1).faultCount()).isEqualTo(1000);
  }

  @Test
  void valuesStayInPhysicallyPlausibleRanges() {
    for (MotorSample sample : generator.dataset(5_000, 2).samples()) {
      assertThat(sample.feature(MotorFeature.VIB_RMS_X)).isBetween(0.05f, 20f);
      assertThat(sample.feature(MotorFeature.VIB_RMS_Z)).isBetween(0.05f, 20f);
      assertThat(sample.feature(MotorFeature.VIB_KURTOSIS)).isBetween(1.2f, 15f);
      assertThat(sample.feature(MotorFeature.VIB_CREST_FACTOR)).isBetween(1.3f, 10f);
      assertThat(sample.feature(MotorFeature.BEARING_TEMP_C)).isBetween(15f, 130f);
      assertThat(sample.feature(MotorFeature.WINDING_CURRENT_A)).isBetween(3f, 16f);
      assertThat(sample.feature(MotorFeature.RPM)).isBetween(570f, 3030f);
    }
  }

  @Test
  void healthyMotorsSitNearGaussianKurtosisAndCrestFactor() {
    assertThat(mean(FaultMode.NONE, s -> s.feature(MotorFeature.VIB_KURTOSIS))).isCloseTo(3.1, within(0.15));
    assertThat(mean(FaultMode.NONE, s -> s.feature(MotorFeature.VIB_CREST_FACTOR))).isCloseTo(3.25, within(0.15));
  }

  @Test
  void eachFaultModeMovesTheFeaturesItShould() {
    ToDoubleFunction<MotorSample> kurtosis = s -> s.feature(MotorFeature.VIB_KURTOSIS);
    ToDoubleFunction<MotorSample> crest = s -> s.feature(MotorFeature.VIB_CREST_FACTOR);
    ToDoubleFunction<MotorSample> temp = s -> s.feature(MotorFeature.BEARING_TEMP_C);
    ToDoubleFunction<MotorSample> current = s -> s.feature(MotorFeature.WINDING_CURRENT_A);
    // Imbalance force grows with speed squared, so compare at high speed.
    ToDoubleFunction<MotorSample> fastRadialRatio = s -> s.feature(MotorFeature.RPM) > 2400
        ? s.feature(MotorFeature.VIB_RMS_X) / s.feature(MotorFeature.VIB_RMS_Z) : Double.NaN;

    assertThat(mean(FaultMode.BEARING_WEAR, kurtosis)).isGreaterThan(mean(FaultMode.NONE, kurtosis) + 3);
    assertThat(mean(FaultMode.BEARING_WEAR, crest)).isGreaterThan(mean(FaultMode.NONE, crest) + 1);
    assertThat(mean(FaultMode.IMBALANCE, fastRadialRatio)).isGreaterThan(mean(FaultMode.NONE, fastRadialRatio) * 1.5);
    assertThat(mean(FaultMode.IMBALANCE, kurtosis)).isLessThan(mean(FaultMode.NONE, kurtosis));
    assertThat(mean(FaultMode.OVERHEATING, temp)).isGreaterThan(mean(FaultMode.NONE, temp) + 15);
    assertThat(mean(FaultMode.OVERHEATING, current)).isGreaterThan(mean(FaultMode.NONE, current) * 1.1);
  }

  @Test
  void driftShiftsTheSensorsButNotTheMotors() {
    MotorDataset clean = generator.dataset(2_000, 8);
    MotorDataset drifted = generator.withDrift(1.0).dataset(2_000, 8);

    assertThat(drifted.labels()).isEqualTo(clean.labels());
    double tempShift = meanOf(drifted, MotorFeature.BEARING_TEMP_C) - meanOf(clean, MotorFeature.BEARING_TEMP_C);
    double vibGain = meanOf(drifted, MotorFeature.VIB_RMS_X) / meanOf(clean, MotorFeature.VIB_RMS_X);
    double currentShift = meanOf(drifted, MotorFeature.WINDING_CURRENT_A) - meanOf(clean, MotorFeature.WINDING_CURRENT_A);
    assertThat(tempShift).isCloseTo(8.0, within(0.01));
    assertThat(vibGain).isCloseTo(1.3, within(0.01));
    assertThat(currentShift).isCloseTo(0.4, within(0.01));
    assertThat(meanOf(drifted, MotorFeature.RPM)).isEqualTo(meanOf(clean, MotorFeature.RPM));
    assertThat(generator.withDrift(0.5).drift()).isEqualTo(0.5);
  }

  @Test
  void rejectsSettingsOutOfRangeWithTheValue() {
    assertThatThrownBy(() -> generator.withDrift(-0.1)).hasMessage("drift must be a finite number >= 0, got -0.1");
    assertThatThrownBy(() -> generator.withDrift(Double.NaN)).hasMessageContaining("got NaN");
    assertThatThrownBy(() -> generator.withFaultRate(1.5)).hasMessage("fault rate must be between 0 and 1, got 1.5");
    assertThatThrownBy(() -> generator.dataset(-1, 0)).hasMessage("row count must be >= 0, got -1");
    assertThatThrownBy(() -> generator.sample(new Random(1), FaultMode.UNKNOWN_FAULT))
        .hasMessageContaining("pick a concrete fault mode");
  }

  private double mean(FaultMode mode, ToDoubleFunction<MotorSample> value) {
    Random random = new Random(99);
    double sum = 0;
    int count = 0;
    for (int i = 0; i < 4_000; i++) {
      double v = value.applyAsDouble(generator.sample(random, mode));
      if (!Double.isNaN(v)) {
        sum += v;
        count++;
      }
    }
    return sum / count;
  }

  private static double meanOf(MotorDataset data, MotorFeature feature) {
    return data.samples().stream().mapToDouble(s -> s.feature(feature)).average().orElseThrow();
  }
}
