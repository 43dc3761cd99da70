package org.edgefleet.agent.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.edgefleet.agent.metrics.ModelMetrics;
import org.edgefleet.agent.metrics.ShadowStats;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** How shadow outputs are compared, and where a request id falls in an A/B split. */
class ShadowComparisonTest {

  @Test
  void classScoresCompareByTopClassOtherOutputsByMeanAbsoluteDifference() {
    ShadowStats stats = new ShadowStats();
    Map<String, Tensor> active = Map.of("scores", Tensor.row(0.1f, 0.7f, 0.2f),
        "box", Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4}),
        "label", Tensor.ofLongs(DType.INT64, new long[] {1}, new long[] {1}));
    ShadowRunner.compare(stats, 1, active, Map.of("scores", Tensor.row(0.2f, 0.5f, 0.3f),
        "box", Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 6}),
        "label", Tensor.ofLongs(DType.INT64, new long[] {1}, new long[] {0})));
    ShadowRunner.compare(stats, 1, active, Map.of("scores", Tensor.row(0.9f, 0.05f, 0.05f)));
    var c = stats.takeInterval();
    assertThat(c.activeVersion()).isEqualTo(1);
    assertThat(c.top1Compared()).isEqualTo(2);
    assertThat(c.top1Agreed()).isEqualTo(1);
    assertThat(c.meanAbsDiff().get("box")).isEqualTo(0.5, within(1e-9));
    assertThat(c.meanAbsDiff().get("label")).isEqualTo(1.0, within(1e-9));
    stats.skipped(1);
    assertThat(stats.takeInterval().skipped()).isEqualTo(1);
    assertThat(stats.takeInterval()).isNull();
  }

  @Test
  void onlyOneRowOfFloatingScoresIsClassShaped() {
    assertThat(ShadowRunner.isClassScores(Tensor.row(0.5f, 0.5f))).isTrue();
    assertThat(ShadowRunner.isClassScores(Tensor.ofFloats(new long[] {3}, new float[] {1, 2, 3}))).isTrue();
    assertThat(ShadowRunner.isClassScores(Tensor.row(0.5f))).isFalse();
    assertThat(ShadowRunner.isClassScores(Tensor.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4}))).isFalse();
    assertThat(ShadowRunner.isClassScores(Tensor.ofLongs(DType.INT64, new long[] {1, 2}, new long[] {1, 2}))).isFalse();
  }

  @Test
  void aRequestIdAlwaysFallsInTheSamePlaceAndIdsSpreadEvenly() {
    assertThat(RequestSplit.position("order-42")).isEqualTo(RequestSplit.position("order-42"));
    int below = 0;
    for (int i = 0; i < 10_000; i++) {
      double p = RequestSplit.position("req-" + i);
      assertThat(p).isBetween(0.0, 1.0).isNotEqualTo(1.0);
      if (p < 0.3) {
        below++;
      }
    }
    assertThat(below).isBetween(2800, 3200);
    assertThat(ModelMetrics.allFinite(Map.of("x", Tensor.row(1f, Float.NaN)))).isFalse();
    assertThat(ModelMetrics.allFinite(Map.of("x", Tensor.row(1f, Float.NEGATIVE_INFINITY)))).isFalse();
    assertThat(ModelMetrics.allFinite(Map.of("x", Tensor.row(1f, 2f)))).isTrue();
  }
}
