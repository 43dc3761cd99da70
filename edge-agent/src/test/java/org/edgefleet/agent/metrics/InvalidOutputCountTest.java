package org.edgefleet.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Calls whose outputs hold NaN or infinity are counted per version and reported once per interval. */
class InvalidOutputCountTest {

  @Test
  void nanAndInfinityInAnyFloatingOutputCountOncePerCallAndTheCountResetsWithTheInterval() {
    ModelMetrics m = new ModelMetrics("m", 2);
    Tensor labels = Tensor.ofLongs(DType.INT64, new long[] {1}, new long[] {3});
    assertThat(m.recordSuccess(1000, Map.of("scores", Tensor.row(0.2f, 0.8f), "label", labels))).isFalse();
    assertThat(m.recordSuccess(1000, Map.of("scores", Tensor.row(Float.NaN, Float.NaN)))).isTrue();
    assertThat(m.recordSuccess(1000, Map.of("scores", Tensor.row(0.1f), "box", Tensor.row(Float.POSITIVE_INFINITY)))).isTrue();
    m.recordError();

    TelemetryBatch.ModelMetrics first = m.takeInterval();
    assertThat(first.count()).isEqualTo(4);
    assertThat(first.errors()).isEqualTo(1);
    assertThat(first.invalidOutputs()).isEqualTo(2L);

    m.recordSuccess(1000, Map.of("scores", Tensor.row(0.5f)));
    TelemetryBatch.ModelMetrics second = m.takeInterval();
    assertThat(second.invalidOutputs()).as("a sound interval reports 0, not unknown").isZero();
  }
}
