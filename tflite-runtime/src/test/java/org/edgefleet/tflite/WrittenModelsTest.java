package org.edgefleet.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Half;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quantized and integer-typed models written in Java, checked against plain-Java arithmetic. */
class WrittenModelsTest {

  @TempDir Path dir;

  @BeforeAll
  static void natives() throws TfliteException {
    TestModels.loadNatives();
  }

  @Test
  void int8ModelExposesItsScalesAndZeroPointsAndComputesWithinOneStep() throws Exception {
    try (TfliteFile file = open("int8.tflite", TfliteModelWriter.int8FullyConnected());
        TfliteInterpreter it = file.newInterpreter(TfliteOptions.DEFAULT)) {
      TensorInfo in = it.inputs().get(0);
      TensorInfo out = it.outputs().get(0);
      assertThat(in.dtype()).isEqualTo(DType.INT8);
      assertThat(in.shape()).containsExactly(-1, 4);
      assertThat(in.quantization()).contains(QuantParams.perTensor(TfliteModelWriter.IN_SCALE, TfliteModelWriter.IN_ZERO_POINT));
      assertThat(out.quantization()).contains(QuantParams.perTensor(TfliteModelWriter.OUT_SCALE, TfliteModelWriter.OUT_ZERO_POINT));

      Random random = new Random(7);
      for (int batch : new int[] {1, 5, 5, 2}) {
        long[] q = new long[batch * 4];
        for (int i = 0; i < q.length; i++) {
          q[i] = random.nextInt(256) - 128;
        }
        Tensor result = it.run(Map.of("q_in", Tensor.ofLongs(DType.INT8, new long[] {batch, 4}, q))).get("q_out");
        assertThat(result.dtype()).isEqualTo(DType.INT8);
        assertThat(result.shape()).containsExactly(batch, 3);
        for (int r = 0; r < batch; r++) {
          long[] row = java.util.Arrays.copyOfRange(q, r * 4, r * 4 + 4);
          long[] expected = TfliteModelWriter.int8Reference(row);
          for (int o = 0; o < 3; o++) {
            // TFLite requantizes with fixed-point multipliers: one step of rounding apart at most.
            assertThat(result.longs()[r * 3 + o]).isCloseTo(expected[o], within(1L));
          }
        }
      }
    }
  }

  @Test
  void uint8InputsDequantizeAndFloatInputsQuantizeWithTheDeclaredParameters() throws Exception {
    try (TfliteFile file = open("uint8.tflite", TfliteModelWriter.uint8RoundTrip());
        TfliteInterpreter it = file.newInterpreter(TfliteOptions.DEFAULT)) {
      QuantParams u8 = it.inputs().get(0).quantization().orElseThrow();
      assertThat(u8).isEqualTo(QuantParams.perTensor(TfliteModelWriter.U8_SCALE, TfliteModelWriter.U8_ZERO_POINT));
      long[] q = {0, 127, 128, 255, 1, 200, 64, 129};
      float[] x = {-12.8f, 0f, 3.14f, 12.7f, 100f, -100f, 0.05f, 0.16f};
      Map<String, Tensor> out = it.run(Map.of(
          "q", Tensor.ofLongs(DType.UINT8, new long[] {2, 4}, q),
          "x", Tensor.ofFloats(new long[] {2, 4}, x)));
      for (int i = 0; i < q.length; i++) {
        assertThat(out.get("real").floats()[i]).isCloseTo((float) u8.dequantize(q[i]), within(1e-5f));
        assertThat(out.get("q_x").longs()[i]).isCloseTo(u8.quantize(x[i], DType.UINT8), within(1L));
      }
      assertThat(out.get("q_x").longs()).contains(0L, 255L); // clamped, not wrapped
    }
  }

  @Test
  void signatureNamesAndEveryElementTypeRoundTrip() throws Exception {
    try (TfliteFile file = open("types.tflite", TfliteModelWriter.allTypes());
        TfliteInterpreter it = file.newInterpreter(TfliteOptions.DEFAULT)) {
      // The signature runner lists names sorted, not in the signature's order.
      assertThat(TensorInfo.names(it.inputs())).containsExactly("a", "b", "flag", "h");
      assertThat(TensorInfo.names(it.outputs())).containsExactly("h32", "less", "not", "sum", "wide");
      assertThat(it.outputs().stream().map(TensorInfo::dtype))
          .containsExactly(DType.FLOAT32, DType.BOOL, DType.BOOL, DType.INT32, DType.INT64);
      long[] shape = {3};
      Map<String, Tensor> out = it.run(Map.of(
          "a", Tensor.ofLongs(DType.INT32, shape, new long[] {1, -5, 2_000_000_000}),
          "b", Tensor.ofLongs(DType.INT32, shape, new long[] {2, -7, 100_000_000}),
          "h", Tensor.ofFloats(DType.FLOAT16, shape, new float[] {0.5f, -1.25f, 65504f}),
          "flag", Tensor.ofLongs(DType.BOOL, shape, new long[] {1, 0, 1})));
      assertThat(out.get("sum").longs()).containsExactly(3, -12, (long) (int) 2_100_000_000L);
      assertThat(out.get("wide").dtype()).isEqualTo(DType.INT64);
      assertThat(out.get("less").longs()).containsExactly(1, 0, 0);
      assertThat(out.get("h32").floats()).containsExactly(0.5f, -1.25f, 65504f);
      assertThat(out.get("not").longs()).containsExactly(0, 1, 0);
    }
  }

  @Test
  void halfPrecisionConversionRoundsToNearestEven() {
    for (float f : new float[] {0f, -0f, 1f, -2.5f, 65504f, 6.1035156e-5f, 5.9604645e-8f, 0.1f, 1000.3f}) {
      float back = Half.toFloat(Half.fromFloat(f));
      assertThat(back).isCloseTo(f, within(Math.abs(f) / 1024 + 1e-7f));
    }
    assertThat(Half.toFloat(Half.fromFloat(1e6f))).isInfinite();
    assertThat(Half.toFloat(Half.fromFloat(Float.NaN))).isNaN();
    assertThat(Half.toFloat(Half.fromFloat(1.00048828125f))).isEqualTo(1f); // tie goes to even
  }

  private TfliteFile open(String name, byte[] model) throws Exception {
    return TfliteFile.open(Files.write(dir.resolve(name), model));
  }
}
