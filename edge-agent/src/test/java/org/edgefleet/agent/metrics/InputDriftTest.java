package org.edgefleet.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.bundle.FeatureStats;
import org.edgefleet.protocol.bundle.FileEntry;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.message.TelemetryBatch.DriftCounts;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Live input histograms: counted on the reference bins, reset per interval, bounded per call. */
class InputDriftTest {

  private static final List<Double> EDGES = List.of(0.0, 1.0, 2.0, 3.0);

  @Test
  void countsOnTheReferenceBinsAndStartsAgainEachInterval() {
    InputDrift drift = InputDrift.of(manifest(new TensorSpec("features", DType.FLOAT32, List.of(-1L, 2L), List.of("a", "b"), null),
        List.of(new FeatureStats("features", "a", EDGES, List.of(1L, 1L, 1L)), new FeatureStats("features", "b", EDGES,
            List.of(1L, 1L, 1L)))));
    drift.record(Map.of("features", Tensor.row(0.5f, 2.5f)));
    drift.record(Map.of("features", Tensor.row(-7f, 99f))); // outside the edges: the outer bins
    drift.record(Map.of("other", Tensor.row(1f))); // not an input with statistics: nothing binned

    List<DriftCounts> first = drift.takeInterval();
    assertThat(first).containsExactly(new DriftCounts("m", 3, "features", "a", List.of(2L, 0L, 0L)),
        new DriftCounts("m", 3, "features", "b", List.of(0L, 0L, 2L)));
    assertThat(drift.takeInterval()).as("reset after each interval; empty histograms left out").isEmpty();
    drift.record(Map.of("features", Tensor.row(1.5f, 1.5f)));
    assertThat(drift.takeInterval()).extracting(DriftCounts::counts).containsExactly(List.of(0L, 1L, 0L), List.of(0L, 1L, 0L));
  }

  @Test
  void largeInputsAreBinnedOnlyAsOftenAsTheBudgetPerCallAllows() {
    int width = InputDrift.VALUES_PER_CALL * 2;
    InputDrift drift = InputDrift.of(manifest(new TensorSpec("image", DType.FLOAT32, List.of(1L, (long) width)),
        List.of(new FeatureStats("image", "all", EDGES, List.of(1L, 1L, 1L), FeatureStats.Summary.VALUES, null, null))));
    float[] values = new float[width];
    Arrays.fill(values, 0.5f);
    Map<String, Tensor> call = Map.of("image", Tensor.ofFloats(DType.FLOAT32, new long[] {1, width}, values));
    for (int i = 0; i < 10; i++) {
      drift.record(call);
    }
    assertThat(drift.takeInterval()).singleElement().extracting(DriftCounts::total)
        .as("every second call of twice the budget").isEqualTo(5L * width);
  }

  @Test
  void aModelWithoutReferenceStatisticsBinsNothing() {
    InputDrift drift = InputDrift.of(manifest(new TensorSpec("features", DType.FLOAT32, List.of(-1L, 2L)), List.of()));
    drift.record(Map.of("features", Tensor.row(1f, 2f)));
    assertThat(drift.takeInterval()).isEmpty();
  }

  private static Manifest manifest(TensorSpec input, List<FeatureStats> stats) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    return new Manifest(Manifest.SCHEMA, "m", 3, ModelFormat.ONNX, "model.onnx",
        new Manifest.RuntimeRequirements("0.1.0", List.of("x86_64"), 13), List.of(input),
        List.of(new TensorSpec("score", DType.FLOAT32, List.of(-1L, 1L))), null, stats, List.of(),
        List.of(new FileEntry("model.onnx", "0".repeat(64), 1)), now, now.plusSeconds(3600), "k1", "test");
  }
}
