package org.edgefleet.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NearestNameTest {

  static final List<String> KEYS = List.of("telemetryInterval", "trustKeys", "brokerUrl", "outboxBound", "dataDir");

  @Test
  void typosFindTheKeyMeant() {
    assertThat(NearestName.of("telemetryIntervl", KEYS)).hasValue("telemetryInterval");
    assertThat(NearestName.of("telemetryIntervalMs", KEYS)).hasValue("telemetryInterval");
    assertThat(NearestName.of("brokerURL", KEYS)).hasValue("brokerUrl");
    assertThat(NearestName.of("trustkey", KEYS)).hasValue("trustKeys");
    assertThat(NearestName.of("datadir", KEYS)).hasValue("dataDir");
  }

  @Test
  void nothingAlikeGivesNoGuess() {
    assertThat(NearestName.of("colour", KEYS)).isEmpty();
    assertThat(NearestName.of("x".repeat(10_000), KEYS)).isEmpty();
    assertThat(NearestName.of("anything", List.of())).isEmpty();
  }

  @Test
  void distanceCountsEdits() {
    assertThat(NearestName.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(NearestName.distance("", "abc")).isEqualTo(3);
    assertThat(NearestName.distance("same", "same")).isZero();
  }
}
