package org.edgefleet.packager.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SymmetricInt8Test {

  @Test
  void matMulWeightsGetOneScalePerColumn() {
    // [K=2, N=3]: column 1 is a hundred times smaller than the others and keeps its precision.
    float[] w = {1f, 0.01f, -2f, -0.5f, 0.005f, 1f};
    SymmetricInt8 q = SymmetricInt8.quantize(w, new long[] {2, 3}, 1);
    assertThat(q.scales()).containsExactly(1f / 127, 0.01f / 127, 2f / 127);
    assertThat(q.values()).containsExactly((byte) 127, (byte) 127, (byte) -127, (byte) -63, (byte) 63, (byte) 64);
    float[] back = q.dequantize(new long[] {2, 3});
    for (int i = 0; i < w.length; i++) {
      assertThat(back[i]).isCloseTo(w[i], within(Math.abs(w[i]) / 100 + 1e-6f));
    }
  }

  @Test
  void convWeightsGetOneScalePerFilter() {
    float[] w = new float[2 * 1 * 2 * 2];
    for (int i = 0; i < 4; i++) {
      w[i] = i;          // filter 0: max 3
      w[4 + i] = -i * 10; // filter 1: max 30
    }
    SymmetricInt8 q = SymmetricInt8.quantize(w, new long[] {2, 1, 2, 2}, 0);
    assertThat(q.scales()).containsExactly(3f / 127, 30f / 127);
    assertThat(q.values()[3]).isEqualTo((byte) 127);
    assertThat(q.values()[7]).isEqualTo((byte) -127);
  }

  @Test
  void perTensorAndAllZeroChannels() {
    SymmetricInt8 q = SymmetricInt8.quantize(new float[] {0, 0, 4, -2}, new long[] {2, 2}, 0);
    assertThat(q.scales()[0]).isEqualTo(1f);
    assertThat(q.values()).containsExactly((byte) 0, (byte) 0, (byte) 127, (byte) -63);
    assertThat(SymmetricInt8.perTensor(new float[] {0.5f, -1f}).scales()).containsExactly(1f / 127);
  }
}
