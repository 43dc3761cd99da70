package org.edgefleet.protocol.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AgentVersionTest {

  @Test
  void versionsCompareAsNumbersNotText() {
    assertThat(v("0.10.0")).isGreaterThan(v("0.9.0"));
    assertThat(v("0.2.0")).isGreaterThan(v("0.1.9"));
    assertThat(v("1.2")).isEqualByComparingTo(v("1.2.0"));
    assertThat(v("2")).isEqualByComparingTo(v("2.0.0"));
    assertThat(v("1.0.0+build.7")).isEqualByComparingTo(v("1.0.0"));
  }

  @Test
  void preReleasesComeBeforeTheirRelease() {
    List<String> ordered = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
        "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0");
    for (int i = 1; i < ordered.size(); i++) {
      assertThat(v(ordered.get(i - 1)).isOlderThan(v(ordered.get(i)))).as(ordered.get(i - 1) + " < " + ordered.get(i)).isTrue();
    }
    assertThat(v("0.2.0-SNAPSHOT").isOlderThan(v("0.2.0"))).isTrue();
    assertThat(v("0.2.0-SNAPSHOT").isOlderThan(v("0.1.0"))).isFalse();
  }

  @Test
  void textThatIsNoVersionIsNamed() {
    for (String bad : new String[] {"", "latest", "v1.2", "1..2", "1.2.3.4", "-1"}) {
      assertThatThrownBy(() -> AgentVersion.parse(bad)).hasMessageContaining("'" + bad + "' is not a version");
    }
    assertThatThrownBy(() -> AgentVersion.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  private static AgentVersion v(String s) {
    return AgentVersion.parse(s);
  }
}
