package org.edgefleet.server.cohort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.edgefleet.server.FleetException;
import org.junit.jupiter.api.Test;

class SelectorTest {

  private static final Map<String, String> RPI3_EU = Map.of("hw", "rpi3", "region", "eu", "ring", "canary");
  private static final Map<String, String> RPI4_US = Map.of("hw", "rpi4", "region", "us");

  @Test
  void everyOperatorOfTheKubernetesGrammar() {
    assertThat(Selector.parse("hw=rpi3").matches(RPI3_EU)).isTrue();
    assertThat(Selector.parse("hw==rpi3").matches(RPI3_EU)).isTrue();
    assertThat(Selector.parse("hw!=rpi3").matches(RPI3_EU)).isFalse();
    assertThat(Selector.parse("hw!=rpi3").matches(Map.of())).as("!= matches a device without the label").isTrue();
    assertThat(Selector.parse("hw in (rpi3, rpi4)").matches(RPI4_US)).isTrue();
    assertThat(Selector.parse("hw in (jetson)").matches(RPI4_US)).isFalse();
    assertThat(Selector.parse("hw notin (rpi3)").matches(RPI4_US)).isTrue();
    assertThat(Selector.parse("hw notin (rpi3)").matches(Map.of())).as("notin matches a device without the label").isTrue();
    assertThat(Selector.parse("ring").matches(RPI3_EU)).isTrue();
    assertThat(Selector.parse("ring").matches(RPI4_US)).isFalse();
    assertThat(Selector.parse("!ring").matches(RPI4_US)).isTrue();
    assertThat(Selector.parse("hw in (rpi3,rpi4),region=eu,!ring").matches(RPI3_EU)).as("comma is AND").isFalse();
    assertThat(Selector.parse("hw in (rpi3,rpi4),region=eu,ring").matches(RPI3_EU)).isTrue();
    assertThat(Selector.parse(null).matches(Map.of())).isTrue();
    assertThat(Selector.parse("  ").matches(RPI3_EU)).isTrue();
  }

  @Test
  void printsCanonicallyAndParsesBackToTheSameSelector() {
    Selector s = Selector.parse(" region = eu ,hw  in(rpi4 , rpi3), !ring, gpu , hw!=x ");
    assertThat(s).hasToString("gpu,hw!=x,hw in (rpi4,rpi3),region=eu,!ring");
    assertThat(Selector.parse(s.toString())).isEqualTo(s);
    assertThat(Selector.ofLabels(Map.of("b", "2", "a", "1"))).hasToString("a=1,b=2");
  }

  @Test
  void hostileAndMalformedSelectorsAreRefusedWithWhereAndWhat() {
    String[] bad = {"hw=", "=rpi4", "hw=rpi4,", ",hw=rpi4", "hw=a b", "hw in rpi3", "hw in (rpi3", "hw in ()", "hw in (a,)",
        "hw notin (a))", "hw in ((a))", "!", "!!hw", "hw!", "hw=!x", "hw like x", "hw=rpi4' OR '1'='1", "hw=x;DROP TABLE devices",
        "hw=\u00e9", "hw=x\u0000", "hw=x\n", "hw\t=x", "a,,b", "hw=(x)", "hw in (a b)", "k=" + "v".repeat(129),
        "hw=x)", "hw = ", "$.hw=x", "hw=\"x\""};
    for (String text : bad) {
      assertThatThrownBy(() -> Selector.parse(text)).as(text).isInstanceOf(FleetException.class)
          .extracting(e -> ((FleetException) e).code()).isEqualTo("bad_selector");
    }
    assertThatThrownBy(() -> Selector.parse("hw in (rpi3")).hasMessageContaining("')' was expected");
    assertThatThrownBy(() -> Selector.parse("hw like x")).hasMessageContaining("at character 4");
  }

  @Test
  void oversizedSelectorsAreBounded() {
    StringBuilder many = new StringBuilder("k0=v");
    for (int i = 1; i <= Selector.MAX_REQUIREMENTS; i++) {
      many.append(",k").append(i).append("=v");
    }
    assertThatThrownBy(() -> Selector.parse(many.toString())).hasMessageContaining("more than " + Selector.MAX_REQUIREMENTS);
    StringBuilder set = new StringBuilder("k in (v0");
    for (int i = 1; i <= Selector.MAX_VALUES; i++) {
      set.append(",v").append(i);
    }
    assertThatThrownBy(() -> Selector.parse(set + ")")).hasMessageContaining("more than " + Selector.MAX_VALUES);
    assertThatThrownBy(() -> Selector.parse("k=" + "v".repeat(Selector.MAX_TEXT))).hasMessageContaining("characters long");
    assertThatThrownBy(() -> Selector.parse("(".repeat(100_000))).isInstanceOf(FleetException.class);
  }

  @Test
  void stableHashIsStableAndSharesNest() {
    assertThat(StableHash.bucket("sim-0001", 7)).isEqualTo(StableHash.bucket("sim-0001", 7));
    int inOne = 0;
    int inTen = 0;
    int otherRollout = 0;
    for (int i = 0; i < 10_000; i++) {
      String id = "d" + i;
      boolean one = StableHash.inShare(id, 7, 100);
      boolean ten = StableHash.inShare(id, 7, 1000);
      assertThat(!one || ten).as("a device of the 1 % share is in the 10 % share").isTrue();
      inOne += one ? 1 : 0;
      inTen += ten ? 1 : 0;
      otherRollout += one && StableHash.inShare(id, 8, 100) ? 1 : 0;
    }
    assertThat(inOne).isBetween(60, 140);
    assertThat(inTen).isBetween(900, 1100);
    assertThat(otherRollout).as("another rollout draws other devices").isLessThan(10);
  }
}
