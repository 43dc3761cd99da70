package org.edgefleet.protocol.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.bundle.FeatureStats.Summary;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.junit.jupiter.api.Test;

/** Symbolic dimensions, test sequences and N-D summaries: what manifests of any model carry. */
class AnyModelManifestTest {

  static final TensorSpec AUDIO = new TensorSpec("serving_default_x:0", DType.FLOAT32, List.of(-1L, -1L, 3L), null, null,
      Arrays.asList("batch", "seq", null));

  @Test
  void symbolicDimensionsRoundTripAndOldSpecsStillRead() throws Exception {
    TensorSpec back = Json.mapper().readValue(Json.write(AUDIO), TensorSpec.class);
    assertThat(back).isEqualTo(AUDIO);
    assertThat(back.dimName(1)).isEqualTo("seq");
    assertThat(back.dimName(2)).isNull();

    TensorSpec old = Json.mapper().readValue("{\"name\":\"x\",\"dtype\":\"int64\",\"shape\":[]}", TensorSpec.class);
    assertThat(old.dims()).isNull();
    assertThat(old.isScalar()).isTrue();
    assertThat(new String(Json.write(old), StandardCharsets.UTF_8)).doesNotContain("dims");
  }

  @Test
  void symbolicNamesThatDoNotFitTheShapeAreRefused() {
    assertThatThrownBy(() -> new TensorSpec("x", DType.FLOAT32, List.of(-1L, 3L), null, null, List.of("batch")))
        .hasMessageContaining("names 1 dimensions but has 2");
    assertThatThrownBy(() -> new TensorSpec("x", DType.FLOAT32, List.of(-1L, 3L), null, null, List.of("batch", "three")))
        .hasMessageContaining("dimension 1 'three' but that dimension is fixed at 3");
    assertThatThrownBy(() -> new TensorSpec("x", DType.FLOAT32, List.of(-1L), null, null, List.of("b\u0000")))
        .hasMessageContaining("control character");
  }

  @Test
  void aSequenceFeedsStateFromThePreviousVectorsExpectedOutputs() throws Exception {
    SigningKey key = SigningKey.generate(KeyRole.PACKAGER);
    Manifest base = TestBundles.manifest(key, 1, new FileEntry("model.onnx", "00".repeat(32), 10));
    Map<String, Tensor> in = Map.of("features", Tensor.row(1f, 2f));
    Map<String, Tensor> out = Map.of("score", Tensor.row(3f));
    TestVector first = new TestVector(in, out, 1e-4);
    TestVector second = new TestVector(in, out, 1e-4, Map.of("features", "score"));
    Manifest m = withVectors(base, List.of(first, second));
    Manifest back = Json.mapper().readValue(Json.write(m), Manifest.class);
    assertThat(back.testVectors().get(1).stateFrom()).containsEntry("features", "score");
    assertThat(back.testVectors().get(0).continuesSequence()).isFalse();
    assertThat(new String(Json.write(first), StandardCharsets.UTF_8)).doesNotContain("stateFrom");

    assertThatThrownBy(() -> withVectors(base, List.of(second)))
        .hasMessageContaining("test vector 0 takes input 'features' from output 'score' of the previous vector, which does not exist");
    TestVector other = new TestVector(in, Map.of("other", Tensor.row(1f)), 1e-4);
    assertThatThrownBy(() -> withVectors(base, List.of(other, second))).hasMessageContaining("does not expect it");
    assertThatThrownBy(() -> new TestVector(in, out, 1e-4, Map.of("state", "score")))
        .hasMessageContaining("stateFrom names input 'state' which the vector does not hold");
  }

  @Test
  void summariesAreCheckedAndOldStatisticsReadAsFeatures() throws Exception {
    FeatureStats old = Json.mapper().readValue(
        "{\"input\":\"x\",\"feature\":\"a\",\"binEdges\":[0,1],\"counts\":[3]}", FeatureStats.class);
    assertThat(old.summary()).isEqualTo(Summary.FEATURE);
    assertThatThrownBy(() -> new FeatureStats("x", "c", List.of(0.0, 1.0), List.of(1L), Summary.CHANNEL, null, 1))
        .hasMessageContaining("needs an axis");
    assertThatThrownBy(() -> new FeatureStats("x", "c", List.of(0.0, 1.0), List.of(1L), Summary.VALUES, 1, null))
        .hasMessageContaining("only a channel summary");
    assertThatThrownBy(() -> Json.mapper().readValue(
        "{\"input\":\"x\",\"feature\":\"a\",\"binEdges\":[0,1],\"counts\":[3],\"summary\":\"median\"}", FeatureStats.class))
        .hasMessageContaining("unknown statistics summary 'median'");
  }

  @Test
  void liveHistogramsBinChannelsValuesAndColumnsByTheSameRule() {
    List<Double> edges = List.of(0.0, 10.0, 20.0);
    FeatureStats c0 = new FeatureStats(AUDIO.name(), "c0", edges, List.of(0L, 0L), Summary.CHANNEL, 2, 0);
    FeatureStats c2 = new FeatureStats(AUDIO.name(), "c2", edges, List.of(0L, 0L), Summary.CHANNEL, 2, 2);
    FeatureStats all = new FeatureStats(AUDIO.name(), "values", edges, List.of(0L, 0L), Summary.VALUES, null, null);
    LiveHistograms live = LiveHistograms.forInput(AUDIO, List.of(c0, c2, all,
        new FeatureStats("other", "a", edges, List.of(0L, 0L))));
    // [1, 2, 3]: channel 0 holds 1 and 15, channel 2 holds 30 and 12.
    live.add(Tensor.ofFloats(new long[] {1, 2, 3}, new float[] {1, 5, 30, 15, 25, 12}));
    long[][] counts = live.counts();
    assertThat(counts[0]).containsExactly(1, 1);
    assertThat(counts[1]).containsExactly(0, 2);
    assertThat(counts[2]).containsExactly(2, 4);
    assertThat(live.toStats().get(2).counts()).containsExactly(2L, 4L);

    TensorSpec tabular = new TensorSpec("t", DType.FLOAT32, List.of(-1L, 2L), List.of("a", "b"), null);
    LiveHistograms columns = LiveHistograms.forInput(tabular, List.of(new FeatureStats("t", "b", edges, List.of(0L, 0L))));
    columns.add(Tensor.ofFloats(new long[] {2, 2}, new float[] {100, 1, 100, 11}));
    assertThat(columns.counts()[0]).containsExactly(1, 1);
    assertThatThrownBy(() -> LiveHistograms.forInput(tabular, List.of(new FeatureStats("t", "zz", edges, List.of(0L, 0L)))))
        .hasMessageContaining("names no feature 'zz'");
  }

  private static Manifest withVectors(Manifest b, List<TestVector> vectors) {
    return new Manifest(b.schema(), b.name(), b.version(), b.format(), b.modelFile(), b.runtime(), b.inputs(), b.outputs(),
        b.quantization(), b.referenceStats(), vectors, b.files(), b.createdAt(), b.expiresAt(), b.keyId(), b.description());
  }
}
