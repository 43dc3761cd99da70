package org.edgefleet.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {

  @Test
  void everyUnitParses() {
    assertThat(DurationText.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(DurationText.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationText.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(DurationText.parse("12h")).isEqualTo(Duration.ofHours(12));
    assertThat(DurationText.parse("365d")).isEqualTo(Duration.ofDays(365));
    assertThat(DurationText.parse("0s")).isZero();
    assertThat(DurationText.parse(" 7s ")).isEqualTo(Duration.ofSeconds(7));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT30S", "P30D", "30", "30 s", "30S", "1.5s", "-5s", "s", "", "30sec", "1h30m", "٣s", "30s\n5m"})
  void anythingElseIsRefusedWithTheSyntax(String text) {
    assertThatThrownBy(() -> DurationText.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("250ms, 30s, 5m, 12h or 365d");
  }

  @Test
  void hostileTextIsRefusedWithoutEchoingItWhole() {
    String huge = "9".repeat(100_000) + "s";
    assertThatThrownBy(() -> DurationText.parse(huge)).hasMessageContaining("...").message().hasSizeLessThan(200);
    assertThatThrownBy(() -> DurationText.parse("999999999999999999d")).hasMessageContaining("too long");
    assertThatThrownBy(() -> DurationText.parse(null)).hasMessageContaining("must not be null");
  }

  @Test
  void aPositiveSettingNamesItselfWhenZeroOrMalformed() {
    assertThatThrownBy(() -> DurationText.parsePositive("chunkTimeout", "0ms")).hasMessage("chunkTimeout must be more than 0, was '0ms'");
    assertThatThrownBy(() -> DurationText.parsePositive("chunkTimeout", "PT5S")).hasMessageStartingWith("chunkTimeout: 'PT5S'");
  }

  @Test
  void formatWritesTheLargestWholeUnitAndParsesBack() {
    assertThat(DurationText.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(DurationText.format(Duration.ofSeconds(120))).isEqualTo("2m");
    assertThat(DurationText.format(Duration.ofHours(36))).isEqualTo("36h");
    assertThat(DurationText.format(Duration.ofDays(365))).isEqualTo("365d");
    assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0ms");
    for (Duration d : new Duration[] {Duration.ofMillis(1500), Duration.ofMinutes(61), Duration.ofDays(2)}) {
      assertThat(DurationText.parse(DurationText.format(d))).isEqualTo(d);
    }
    assertThatThrownBy(() -> DurationText.format(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }
}
