package org.edgefleet.packager.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.bundle.FeatureStats;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ReferenceHistogramsTest {

  @Test
  void quantileBinsHoldEqualSharesOfSkewedData() throws Exception {
    float[][] rows = column(i -> (float) Math.exp(i / 100.0), 1000);

    FeatureStats stats = compute(ReferenceHistograms.of(Binning.QUANTILE, 10), "in", List.of("f"), rows).get(0);

    assertThat(stats.input()).isEqualTo("in");
    assertThat(stats.feature()).isEqualTo("f");
    assertThat(stats.binEdges()).hasSize(11);
    assertThat(stats.counts()).containsOnly(100L);
    assertThat(stats.binEdges().get(0)).isEqualTo(1.0);
    assertThat(stats.binEdges().get(10)).isEqualTo((double) rows[999][0]);
  }

  @Test
  void equalWidthBinsSpanMinToMax() throws Exception {
    float[][] rows = column(i -> i, 101);

    FeatureStats stats = compute(ReferenceHistograms.of(Binning.EQUAL_WIDTH, 4), "in", List.of("f"), rows).get(0);

    assertThat(stats.binEdges()).containsExactly(0.0, 25.0, 50.0, 75.0, 100.0);
    assertThat(stats.counts()).containsExactly(25L, 25L, 25L, 26L);
  }

  @Test
  void tiedValuesMergeBinsAndTheTopValueKeepsItsOwnBin() throws Exception {
    float[][] rows = column(i -> i < 70 ? 0f : i < 90 ? 1f : 2f, 100);

    FeatureStats stats = compute(ReferenceHistograms.of(Binning.QUANTILE, 10), "in", List.of("f"), rows).get(0);

    assertThat(stats.binEdges()).hasSize(4).startsWith(0.0, 1.0, 2.0);
    assertThat(stats.counts()).containsExactly(70L, 20L, 10L);
  }

  @Test
  void aConstantFeatureGetsOneBin() throws Exception {
    FeatureStats stats = compute(ReferenceHistograms.of(Binning.QUANTILE, 10), "in", List.of("f"), column(i -> 5f, 20)).get(0);

    assertThat(stats.binEdges()).hasSize(2).first().isEqualTo(5.0);
    assertThat(stats.counts()).containsExactly(20L);
  }

  @Test
  void countsEveryRowOfEveryFeatureOnTheDevicesBinningRule() throws Exception {
    float[][] rows = new float[500][];
    java.util.Random random = new java.util.Random(1);
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new float[] {(float) random.nextGaussian(), (float) random.nextDouble() * 50};
    }

    List<FeatureStats> stats = compute(ReferenceHistograms.of(Binning.QUANTILE, 7), "in", List.of("a", "b"), rows);

    assertThat(stats).extracting(FeatureStats::feature).containsExactly("a", "b");
    for (int f = 0; f < 2; f++) {
      FeatureStats s = stats.get(f);
      long[] recount = new long[s.counts().size()];
      for (float[] row : rows) {
        recount[s.binOf(row[f])]++;
      }
      assertThat(s.counts()).containsExactlyElementsOf(java.util.Arrays.stream(recount).boxed().toList());
      assertThat(s.counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(500);
    }
  }

  @Test
  void rejectsBadSettingsAndEmptyData() throws Exception {
    assertThatThrownBy(() -> ReferenceHistograms.of(Binning.QUANTILE, 0)).hasMessage("bins must be between 1 and 1000, got 0");
    assertThatThrownBy(() -> compute(ReferenceHistograms.of(Binning.QUANTILE, 5), "in", List.of("f"), new float[0][]))
        .hasMessageContaining("has no calibration values for f");
  }

  /** The histograms of a tabular input [batch, n] over these rows, through the packager's path. */
  private static List<FeatureStats> compute(ReferenceHistograms histograms, String input, List<String> features,
      float[][] rows) throws Exception {
    TensorSpec spec = new TensorSpec(input, DType.FLOAT32, List.of(-1L, (long) features.size()), features, null);
    List<Map<String, Tensor>> calls = new ArrayList<>();
    for (float[] row : rows) {
      calls.add(Map.of(input, Tensor.row(row)));
    }
    return new InputSummaries(histograms, Map.of()).compute(List.of(spec), calls);
  }

  private static float[][] column(java.util.function.IntToDoubleFunction value, int n) {
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = new float[] {(float) value.applyAsDouble(i)};
    }
    return rows;
  }
}
