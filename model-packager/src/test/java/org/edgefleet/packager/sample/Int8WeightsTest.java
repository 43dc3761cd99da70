package org.edgefleet.packager.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Int8WeightsTest {

  @Test
  void roundTripErrorIsAtMostHalfAStep() {
    Random random = new Random(4);
    float[] weights = new float[500];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (float) random.nextGaussian();
    }

    Int8Weights q = Int8Weights.quantize(weights);
    float[] back = q.dequantize();

    for (int i = 0; i < weights.length; i++) {
      assertThat(Math.abs(back[i] - weights[i])).isLessThanOrEqualTo(q.scale() / 2 * 1.0001f);
    }
  }

  @Test
  void theLargestMagnitudeMapsToPlusOrMinus127() {
    Int8Weights q = Int8Weights.quantize(new float[] {-2f, 0.5f, 1f});

    assertThat(q.values()).containsExactly((byte) -127, (byte) 32, (byte) 64);
    assertThat(q.scale()).isEqualTo(2f / 127);
  }

  @Test
  void anAllZeroTensorStillHasAValidScale() {
    Int8Weights q = Int8Weights.quantize(new float[3]);

    assertThat(q.scale()).isEqualTo(1f);
    assertThat(q.dequantize()).containsExactly(0f, 0f, 0f);
  }

  @Test
  void rejectsANonPositiveScale() {
    assertThatThrownBy(() -> new Int8Weights(new byte[1], 0f))
        .hasMessage("scale must be a positive finite number, got 0.0");
  }
}
