package org.edgefleet.protocol.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

  @Test
  void ceilingDoublesUpToTheMaximum() {
    assertThat(backoff.ceilingMillis(0)).isEqualTo(100);
    assertThat(backoff.ceilingMillis(1)).isEqualTo(200);
    assertThat(backoff.ceilingMillis(5)).isEqualTo(3200);
    assertThat(backoff.ceilingMillis(6)).isEqualTo(5000);
    assertThat(backoff.ceilingMillis(1000)).isEqualTo(5000);
  }

  @Test
  void fullJitterSpansZeroToTheCeiling() {
    assertThat(backoff.delayMillis(10, 0.0)).isZero();
    assertThat(backoff.delayMillis(10, 0.5)).isEqualTo(2500);
    assertThat(backoff.delayMillis(10, 0.99999)).isEqualTo(5000);
    assertThat(backoff.delayMillis(1, 0.99999)).isEqualTo(200);
  }

  @Test
  void refusesAnInvertedRange() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base <= max");
  }
}
