package org.edgefleet.server.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.experiment.AbComparison;
import org.junit.jupiter.api.Test;

/** The blue-green, shadow and A/B plans as requests give them, and what they refuse. */
class StrategyOptionsTest {

  private static StrategySpec parse(String json) {
    return StrategySpec.parse(Json.read(json.getBytes(StandardCharsets.UTF_8), JsonNode.class));
  }

  private static void refused(String json, String code, String... words) {
    assertThatThrownBy(() -> parse(json)).as(json).isInstanceOf(FleetException.class)
        .satisfies(e -> assertThat(((FleetException) e).code()).isEqualTo(code)).hasMessageContaining(words[0]);
    for (String w : words) {
      assertThatThrownBy(() -> parse(json)).hasMessageContaining(w);
    }
  }

  @Test
  void eachKindPlansItsRoleThenActiveOnTheWholeCohortAndTheStoredFormRoundTrips() {
    StrategySpec bg = parse("{\"kind\":\"blue-green\",\"blueGreen\":{\"switchAtPercent\":90,\"bakeSeconds\":5}}");
    assertThat(bg.stages()).extracting(StageSpec::role).containsExactly(SlotRole.CANDIDATE, SlotRole.ACTIVE);
    assertThat(bg.stages()).extracting(StageSpec::percent).containsExactly(100.0, 100.0);
    assertThat(bg.stages().get(1).bakeSeconds()).isEqualTo(5);
    assertThat(StrategySpec.fromJson(bg.toJson())).isEqualTo(bg);
    assertThat(parse("\"blue-green\"").blueGreen()).isEqualTo(BlueGreenSpec.DEFAULT);

    StrategySpec shadow = parse("{\"kind\":\"shadow\",\"shadow\":{\"percent\":25,\"promoteWhen\":{\"minCompared\":50,"
        + "\"minTop1Agreement\":0.99}}}");
    assertThat(shadow.stages()).extracting(StageSpec::role).containsExactly(SlotRole.SHADOW, SlotRole.ACTIVE);
    assertThat(shadow.stages()).extracting(StageSpec::percent).containsExactly(25.0, 100.0);
    assertThat(StrategySpec.fromJson(shadow.toJson())).isEqualTo(shadow);

    StrategySpec ab = parse("{\"kind\":\"ab\",\"ab\":{\"share\":0.2,\"outcomeSd\":1.0,\"minEffect\":0.5}}");
    assertThat(ab.stages()).extracting(StageSpec::role).containsExactly(SlotRole.ARM, SlotRole.ACTIVE);
    assertThat(ab.ab().plannedPerArm()).as("declared up front from sd and effect")
        .isEqualTo(AbComparison.plannedSampleSize(1.0, 0.5));
    assertThat(StrategySpec.fromJson(ab.toJson())).isEqualTo(ab);
    assertThat(parse("{\"kind\":\"ab\",\"ab\":{\"plannedPerArm\":300,\"split\":\"request\"}}").ab())
        .isEqualTo(new AbSpec(0.5, AbSplit.REQUEST, 300));
  }

  @Test
  void anABTestMustDeclareItsSampleSizeUpFront() {
    refused("\"ab\"", "bad_ab", "sample size");
    refused("{\"kind\":\"ab\"}", "bad_ab", "sample size");
    refused("{\"kind\":\"ab\",\"ab\":{}}", "bad_ab", "plannedPerArm", "outcomeSd");
    refused("{\"kind\":\"ab\",\"ab\":{\"outcomeSd\":1}}", "bad_ab", "minEffect");
    refused("{\"kind\":\"ab\",\"ab\":{\"plannedPerArm\":10,\"outcomeSd\":1,\"minEffect\":1}}", "bad_ab", "either");
    refused("{\"kind\":\"ab\",\"ab\":{\"plannedPerArm\":1}}", "bad_ab", "ab.plannedPerArm");
    refused("{\"kind\":\"ab\",\"ab\":{\"plannedPerArm\":10,\"share\":1}}", "bad_ab", "ab.share");
    refused("{\"kind\":\"ab\",\"ab\":{\"outcomeSd\":-1,\"minEffect\":1}}", "bad_ab", "above 0");
  }

  @Test
  void anABTestSplitsByRequestUnlessItSaysByDeviceAndAnUnknownSplitNamesBoth() {
    assertThat(parse("{\"kind\":\"ab\",\"ab\":{\"plannedPerArm\":300}}").ab().split()).isEqualTo(AbSplit.REQUEST);
    StrategySpec byDevice = parse("{\"kind\":\"ab\",\"ab\":{\"plannedPerArm\":300,\"split\":\"device\",\"share\":0.3}}");
    assertThat(byDevice.ab()).isEqualTo(new AbSpec(0.3, AbSplit.DEVICE, 300));
    assertThat(byDevice.stages()).extracting(StageSpec::role).containsExactly(SlotRole.ARM, SlotRole.ACTIVE);
    assertThat(byDevice.toJson()).contains("\"split\":\"device\"");
    assertThat(StrategySpec.fromJson(byDevice.toJson())).isEqualTo(byDevice);
    // A plan stored before the split existed reads as split by request.
    assertThat(StrategySpec.fromJson("{\"kind\":\"ab\",\"ab\":{\"share\":0.5,\"plannedPerArm\":300}}").ab().split())
        .isEqualTo(AbSplit.REQUEST);
    for (String bad : java.util.List.of("\"Device\"", "\"devices\"", "\"\"", "\"request \"", "\"" + "x".repeat(10_000) + "\"")) {
      refused("{\"kind\":\"ab\",\"ab\":{\"plannedPerArm\":10,\"split\":" + bad + "}}", "bad_ab", "ab.split", "\"request\"",
          "\"device\"");
    }
    refused("{\"kind\":\"ab\",\"ab\":{\"plannedPerArm\":10,\"split\":1}}", "bad_ab", "ab.split");
    assertThatThrownBy(() -> parse("{\"kind\":\"ab\",\"ab\":{\"plannedPerArm\":10,\"split\":\"" + "x".repeat(10_000) + "\"}}"))
        .satisfies(e -> assertThat(e.getMessage()).as("a hostile value is not echoed whole").hasSizeLessThan(300));
    refused("{\"kind\":\"ab\",\"ab\":{\"plannedPerArm\":10,\"split\":[\"device\"]}}", "bad_strategy", "ab.split");
    refused("{\"kind\":\"ab\",\"ab\":{\"plannedPerArm\":10,\"split\":\"device\",\"share\":0}}", "bad_ab", "devices arm B");
  }

  @Test
  void splitByDeviceTheSameDevicesFallInArmBAtEveryEvaluationAndTheShareHolds() {
    AbSpec ab = new AbSpec(0.3, AbSplit.DEVICE, 100);
    java.util.Set<String> first = new java.util.HashSet<>();
    for (int i = 0; i < 1000; i++) {
      if (ab.inArmB("dev-" + i, 42)) {
        first.add("dev-" + i);
      }
    }
    assertThat(first.size()).as("about 30 %% of 1,000 devices").isBetween(250, 350);
    for (int i = 0; i < 1000; i++) {
      assertThat(new AbSpec(0.3, AbSplit.DEVICE, 100).inArmB("dev-" + i, 42)).as("dev-" + i).isEqualTo(first.contains("dev-" + i));
    }
    long another = java.util.stream.IntStream.range(0, 1000).filter(i -> ab.inArmB("dev-" + i, 43) != first.contains("dev-" + i))
        .count();
    assertThat(another).as("another rollout draws other devices").isGreaterThan(200);
  }

  @Test
  void hostileOrMisplacedOptionsAreRefusedNamingTheField() {
    refused("{\"kind\":\"blue-green\",\"blueGreen\":{\"switchAtPercent\":0}}", "bad_blue_green", "switchAtPercent");
    refused("{\"kind\":\"blue-green\",\"blueGreen\":{\"switchAtPercent\":1e308,\"bakeSeconds\":1}}", "bad_blue_green",
        "switchAtPercent");
    refused("{\"kind\":\"blue-green\",\"blueGreen\":{\"bakeSeconds\":-1}}", "bad_blue_green", "bakeSeconds");
    refused("{\"kind\":\"blue-green\",\"blueGreen\":{\"switch\":50}}", "bad_strategy", "blueGreen");
    refused("{\"kind\":\"shadow\",\"shadow\":{\"percent\":0.001}}", "bad_shadow", "shadow.percent");
    refused("{\"kind\":\"shadow\",\"shadow\":{\"promoteWhen\":{\"minCompared\":10}}}", "bad_shadow", "minTop1Agreement");
    refused("{\"kind\":\"shadow\",\"shadow\":{\"promoteWhen\":{\"minTop1Agreement\":1.5}}}", "bad_shadow", "between 0 and 1");
    refused("{\"kind\":\"shadow\",\"shadow\":{\"promoteWhen\":{\"maxMeanAbsDiff\":-0.1}}}", "bad_shadow", "maxMeanAbsDiff");
    refused("{\"kind\":\"canary\",\"shadow\":{}}", "bad_strategy", "does not apply to a canary plan");
    refused("{\"kind\":\"shadow\",\"blueGreen\":{}}", "bad_strategy", "does not apply to a shadow plan");
    refused("{\"kind\":\"blue-green\",\"stages\":[{\"percent\":100}]}", "bad_stages", "makes its own stages");
    refused("{\"kind\":\"canary\",\"stages\":[{\"percent\":100,\"role\":\"shadow\"}]}", "bad_stages", "stages are active");
    refused("{\"kind\":\"canary\",\"stages\":[{\"percent\":100,\"role\":\"boss\"}]}", "bad_strategy", "boss");
  }

  @Test
  void aStageMayKeepItsShareOnlyToSwitchToActive() {
    StrategySpec ok = new StrategySpec(Strategy.SHADOW, StrategySpec.planned(Strategy.SHADOW, null, ShadowSpec.DEFAULT),
        GateSpec.DEFAULT, false, null, ShadowSpec.DEFAULT, null);
    assertThat(ok.stages()).hasSize(2);
    assertThatThrownBy(() -> new StrategySpec(Strategy.CANARY, java.util.List.of(new StageSpec(100, 0, null),
        new StageSpec(100, 0, null)), GateSpec.DEFAULT, false)).hasMessageContaining("stages only grow");
  }
}
