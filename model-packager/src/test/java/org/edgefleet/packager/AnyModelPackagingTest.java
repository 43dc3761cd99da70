package org.edgefleet.packager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.edgefleet.packager.feeds.DimValues;
import org.edgefleet.protocol.tensor.numpy.Npz;
import org.edgefleet.protocol.bundle.FeatureStats.Summary;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models with several N-D inputs, symbolic dimensions, an int64 scalar, recurrent state and every dtype. */
class AnyModelPackagingTest {

  static final SigningKey KEY = SigningKey.generate(KeyRole.PACKAGER);

  @TempDir Path dir;

  BundlePackager.Builder packager(Path model) {
    return BundlePackager.builder().model(model).name("any").version(1).signingKey(KEY);
  }

  Manifest verified(Path bundle) throws Exception {
    return new BundleVerifier(TrustStore.of(KEY.publicKey())).verify(bundle, true).manifest();
  }

  @Test
  void namesSymbolicDimensionsAndAScalarFromNpzDataMatchedByInputName() throws Exception {
    Path model = AnyModels.multiInput(dir.resolve("multi.onnx"));
    Path data = dir.resolve("data.npz");
    // Six samples of [batch 1, seq 5, 4] each, and one sample rate reused in every call.
    Npz.write(data, Map.of(AnyModels.A, floats(new long[] {6, 1, 5, 4}, 1), AnyModels.B, floats(new long[] {6, 1, 5, 4}, 2),
        AnyModels.SR, Tensor.ofLongs(DType.INT32, new long[0], new long[] {16000})));

    Path bundle = dir.resolve("multi.bundle");
    Manifest m = packager(model).testInputs(List.of(data.toString())).calibration(List.of(data.toString()))
        .build().writeTo(bundle).manifest();

    TensorSpec a = m.inputs().get(0);
    assertThat(a.name()).isEqualTo("onnx::Flatten_0");
    assertThat(a.dims()).containsExactly("batch", "seq", null);
    assertThat(m.inputs().get(2).isScalar()).isTrue();
    assertThat(m.outputs().get(2).dtype()).isEqualTo(DType.BOOL);
    assertThat(m.testVectors()).hasSize(5);
    TestVector v = m.testVectors().get(0);
    assertThat(v.inputs().get(AnyModels.SR)).isEqualTo(Tensor.ofLongs(DType.INT64, new long[0], new long[] {16000}));
    assertThat(v.expected().get("scaled").floats()[3]).isEqualTo(v.inputs().get(AnyModels.A).floats()[3] * 16000f);
    // One histogram of every value of each N-D input and of the scalar.
    assertThat(m.referenceStats()).extracting(s -> s.input() + " " + s.summary()).containsExactly(
        AnyModels.A + " VALUES", AnyModels.B + " VALUES", AnyModels.SR + " VALUES");
    assertThat(m.referenceStats().get(0).counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(6 * 5 * 4);
    assertThat(verified(bundle)).isEqualTo(m);
  }

  @Test
  void withoutDataInputsAreGeneratedOnceEveryDynamicDimensionHasASize() throws Exception {
    Path model = AnyModels.multiInput(dir.resolve("multi.onnx"));
    assertThatThrownBy(() -> packager(model).build().writeTo(dir.resolve("x.bundle")))
        .isInstanceOf(PackagingException.class)
        .hasMessage("input 'onnx::Flatten_0': dynamic dimension 'seq' (axis 1) needs a value: pass --dim seq=N"
            + " (or give input data)");

    Path bundle = dir.resolve("generated.bundle");
    Manifest m = packager(model).dims(DimValues.parse(List.of("seq=3"))).build().writeTo(bundle).manifest();
    assertThat(m.description()).contains("generated inputs");
    assertThat(m.referenceStats()).isEmpty();
    Tensor a = m.testVectors().get(0).inputs().get(AnyModels.A);
    assertThat(a.shape()).containsExactly(1, 3, 4);
    assertThat(m.testVectors().get(0).inputs().get(AnyModels.B).shape()).containsExactly(1, 3, 4);
    assertThat(m.testVectors().get(0).inputs().get(AnyModels.SR).longs()[0]).isBetween(0L, 9L);
    verified(bundle);

    Manifest rate = packager(model).dims(DimValues.parse(List.of("seq=3"))).constants(Map.of(AnyModels.SR, 16000.0))
        .build().writeTo(dir.resolve("rate.bundle")).manifest();
    assertThat(rate.testVectors()).allSatisfy(v -> assertThat(v.inputs().get(AnyModels.SR).longs()).containsExactly(16000));
    assertThatThrownBy(() -> packager(model).dims(DimValues.parse(List.of("seq=3"))).constants(Map.of(AnyModels.SR, 0.5))
        .build().writeTo(dir.resolve("x.bundle"))).hasMessageContaining("--constant sr=0.5 holds float32 but the model takes int64");
    assertThatThrownBy(() -> packager(model).constants(Map.of("rate", 1.0)).build().writeTo(dir.resolve("x.bundle")))
        .hasMessage("--constant rate=...: the model has no input 'rate'; its inputs are [onnx::Flatten_0, serving_default_x:0, sr]");
  }

  @Test
  void inputsThatDoNotFitAreRefusedNamingTheInputAndTheWayForward() throws Exception {
    Path model = AnyModels.multiInput(dir.resolve("multi.onnx"));
    Tensor sr = Tensor.ofLongs(DType.INT64, new long[0], new long[] {8000});
    assertRefused(model, Map.of(AnyModels.A, floats(new long[] {2, 5, 4}, 1), AnyModels.B, floats(new long[] {2, 6, 4}, 2),
        AnyModels.SR, sr), "dimension 'seq' is 5 in input 'onnx::Flatten_0' but 6 in input 'serving_default_x:0'");
    assertRefused(model, Map.of(AnyModels.A, floats(new long[] {5, 4}, 1), AnyModels.B, floats(new long[] {1, 5, 4}, 2),
        AnyModels.SR, sr), "has shape [5, 4] (rank 2) but the model takes float32 [batch, seq, 4] (rank 3)");
    assertRefused(model, Map.of(AnyModels.A, floats(new long[] {1, 5, 4}, 1), AnyModels.B, floats(new long[] {1, 5, 4}, 2),
        AnyModels.SR, Tensor.ofFloats(new long[0], new float[] {8000.5f})),
        "holds float32 but the model takes int64, and value 0 (8000.5) does not convert exactly");
    assertRefused(model, Map.of(AnyModels.A, floats(new long[] {1, 5, 4}, 1), AnyModels.SR, sr),
        "input 'serving_default_x:0' has no data in");
    Path noRate = dir.resolve("no-rate.npz");
    Npz.write(noRate, Map.of(AnyModels.A, floats(new long[] {1, 5, 4}, 1), AnyModels.B, floats(new long[] {1, 5, 4}, 2)));
    assertThatThrownBy(() -> packager(model).testInputs(List.of(noRate.toString())).build().writeTo(dir.resolve("x.bundle")))
        .hasMessageEndingWith("or pass --constant sr=VALUE");
    assertThat(packager(model).testInputs(List.of(noRate.toString())).constants(Map.of(AnyModels.SR, 8000.0))
        .build().writeTo(dir.resolve("rate.bundle")).manifest().testVectors().get(0).inputs().get(AnyModels.SR).longs())
        .containsExactly(8000);
    assertRefused(model, Map.of(AnyModels.A, floats(new long[] {1, 5, 4}, 1), AnyModels.B, floats(new long[] {1, 5, 4}, 2),
        AnyModels.SR, sr, "speed", sr), "'speed' is not an input of the model");
    assertRefused(model, Map.of(AnyModels.A, floats(new long[] {3, 1, 5, 4}, 1), AnyModels.B, floats(new long[] {2, 1, 5, 4}, 2),
        AnyModels.SR, sr), "inputs disagree on the number of samples: 'onnx::Flatten_0' has 3 and 'serving_default_x:0' has 2");

    Path data = dir.resolve("fits.npz");
    Npz.write(data, Map.of(AnyModels.A, floats(new long[] {1, 5, 4}, 1), AnyModels.B, floats(new long[] {1, 5, 4}, 2),
        AnyModels.SR, sr));
    assertThatThrownBy(() -> packager(model).testInputs(List.of(data.toString())).dims(DimValues.parse(List.of("seq=4")))
        .build().writeTo(dir.resolve("x.bundle")))
        .hasMessage("input 'onnx::Flatten_0': dimension 'seq' (axis 1) is 5 in the data but --dim seq=4 fixes it");
    assertThat(dir.resolve("x.bundle")).doesNotExist();
  }

  @Test
  void everyDtypeGoesThroughAndLossyConversionsNeedConsent() throws Exception {
    Path model = AnyModels.dtypes(dir.resolve("dtypes.onnx"));
    Path bundle = dir.resolve("dtypes.bundle");
    Manifest m = packager(model).build().writeTo(bundle).manifest();
    assertThat(m.inputs()).extracting(TensorSpec::dtype)
        .containsExactly(DType.UINT8, DType.FLOAT16, DType.INT32, DType.INT8, DType.BOOL);
    verified(bundle);

    Path data = dir.resolve("d.npz");
    Tensor ints = Tensor.ofLongs(DType.INT64, new long[] {2, 3}, new long[] {1, 2, 3, 4, 5, 300});
    Npz.write(data, Map.of("u8", ints, "h", Tensor.ofFloats(new long[] {2, 3}, new float[] {0.5f, 1, 2, 3, 4, 0.1f}),
        "i32", ints, "i8", Tensor.ofLongs(DType.INT64, new long[] {2, 3}, new long[] {-1, 0, 1, 2, 3, 4}),
        "mask", Tensor.ofLongs(DType.INT64, new long[] {2, 3}, new long[] {1, 0, 1, 1, 1, 1})));
    assertThatThrownBy(() -> packager(model).testInputs(List.of(data.toString())).build().writeTo(dir.resolve("x.bundle")))
        .hasMessageContaining("input 'u8' from " + data + ":u8").hasMessageContaining("value 5 is 300.0, outside what uint8 holds");
  }

  @Test
  void aStatefulModelGetsATestSequenceThatCarriesItsState() throws Exception {
    Path model = AnyModels.recurrent(dir.resolve("rnn.onnx"));
    Path data = dir.resolve("xs.npz");
    float[] xs = {1, 0, 0.5f, -1, -0.2f, 0.7f, 0.9f, 0.9f};
    Npz.write(data, Map.of("x", Tensor.ofFloats(new long[] {4, 1, 2}, xs)));

    Path bundle = dir.resolve("rnn.bundle");
    Manifest m = packager(model).testInputs(List.of(data.toString())).state(Map.of("stateN", "state"), 4)
        .build().writeTo(bundle).manifest();

    assertThat(m.testVectors()).hasSize(4);
    assertThat(m.testVectors().get(0).stateFrom()).isEmpty();
    assertThat(m.testVectors().get(0).inputs().get("state").floats()).containsExactly(0f, 0f);
    float[] state = new float[2];
    for (int step = 0; step < 4; step++) {
      TestVector v = m.testVectors().get(step);
      state = AnyModels.step(Arrays.copyOfRange(xs, 2 * step, 2 * step + 2), state);
      assertThat(v.expected().get("out").floats()).containsExactly(state, org.assertj.core.api.Assertions.within(1e-6f));
      if (step > 0) {
        assertThat(v.stateFrom()).containsExactly(Map.entry("state", "stateN"));
      }
    }
    assertThat(verified(bundle).testVectors()).isEqualTo(m.testVectors());
    Manifest calibrated = packager(model).calibration(List.of(data.toString())).state(Map.of("stateN", "state"), 4)
        .build().writeTo(dir.resolve("rnn-stats.bundle")).manifest();
    assertThat(calibrated.referenceStats()).extracting(s -> s.input()).containsExactly("x");

    assertThatThrownBy(() -> packager(model).state(Map.of("hidden", "state"), 4).build().writeTo(dir.resolve("x.bundle")))
        .hasMessage("--state hidden=state: the model has no output 'hidden'; its outputs are [out, stateN]");
    assertThatThrownBy(() -> packager(model).state(Map.of("stateN", "h0"), 4).build().writeTo(dir.resolve("x.bundle")))
        .hasMessage("--state stateN=h0: the model has no input 'h0'; its inputs are [x, state]");
  }

  @Test
  void channelStatisticsOnAChosenAxisAndTheirRefusals() throws Exception {
    Path model = AnyModels.multiInput(dir.resolve("multi.onnx"));
    Path data = dir.resolve("data.npz");
    Npz.write(data, Map.of(AnyModels.A, floats(new long[] {3, 1, 5, 4}, 1), AnyModels.B, floats(new long[] {3, 1, 5, 4}, 2),
        AnyModels.SR, Tensor.ofLongs(DType.INT64, new long[0], new long[] {16000})));

    Manifest m = packager(model).calibration(List.of(data.toString())).statsAxes(Map.of(AnyModels.A, 2))
        .build().writeTo(dir.resolve("c.bundle")).manifest();
    assertThat(m.referenceStats().stream().filter(s -> s.summary() == Summary.CHANNEL)).hasSize(4)
        .allSatisfy(s -> assertThat(s.counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(3 * 5));
    verified(dir.resolve("c.bundle"));

    assertThatThrownBy(() -> packager(model).calibration(List.of(data.toString())).statsAxes(Map.of(AnyModels.A, 1))
        .build().writeTo(dir.resolve("x.bundle")))
        .hasMessageContaining("--stats-axis onnx::Flatten_0=1: input 'onnx::Flatten_0' has shape [-1, -1, 4]; the axis"
            + " must be one of its fixed dimensions");
  }

  @Test
  void aTabularModelKeepsPerFeatureHistogramsWhateverTheDataFile() throws Exception {
    Path model = TestModels.plusOne(dir.resolve("plus.onnx"), 3);
    Path rows = dir.resolve("rows.npy");
    org.edgefleet.protocol.tensor.numpy.Npy.write(rows, floats(new long[] {50, 3}, 4));

    Manifest m = packager(model).calibration(List.of(rows.toString())).build().writeTo(dir.resolve("t.bundle")).manifest();

    assertThat(m.inputs().get(0).features()).containsExactly("col_0", "col_1", "col_2");
    assertThat(m.referenceStats()).extracting(s -> s.feature() + " " + s.summary())
        .containsExactly("col_0 FEATURE", "col_1 FEATURE", "col_2 FEATURE");
    assertThat(m.referenceStats()).allSatisfy(s -> assertThat(s.counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(50));
  }

  private void assertRefused(Path model, Map<String, Tensor> arrays, String says) throws Exception {
    Path data = dir.resolve("bad.npz");
    Npz.write(data, arrays);
    Path out = dir.resolve("refused.bundle");
    assertThatThrownBy(() -> packager(model).testInputs(List.of(data.toString())).build().writeTo(out))
        .isInstanceOf(PackagingException.class).hasMessageContaining(says);
    assertThat(out).doesNotExist();
  }

  static Tensor floats(long[] shape, long seed) {
    Random random = new Random(seed);
    float[] values = new float[Math.toIntExact(Tensor.elementCount(shape))];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return Tensor.ofFloats(shape, values);
  }
}
