package org.edgefleet.server.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.server.FleetException;
import org.junit.jupiter.api.Test;

class StrategySpecTest {

  private static StrategySpec parse(String json) {
    return StrategySpec.parse(Json.read(json.getBytes(StandardCharsets.UTF_8), JsonNode.class));
  }

  @Test
  void namesObjectsAndTheStoredFormRoundTrip() {
    assertThat(StrategySpec.parse(null)).isEqualTo(StrategySpec.ALL_AT_ONCE);
    assertThat(parse("\"canary\"").stages()).extracting(StageSpec::percent).containsExactly(1.0, 10.0, 50.0, 100.0);
    StrategySpec s = parse("{\"kind\":\"canary\",\"stages\":[{\"percent\":0.5,\"bakeSeconds\":2},{\"percent\":100}],"
        + "\"gates\":{\"maxErrorRate\":0.01},\"manualApproval\":true}");
    assertThat(s.stages().get(0).basisPoints()).isEqualTo(50);
    assertThat(s.gates().maxErrorRate()).isEqualTo(0.01);
    assertThat(s.gates().minDevicesReporting()).as("default").isEqualTo(GateSpec.DEFAULT.minDevicesReporting());
    assertThat(s.manualApproval()).isTrue();
    assertThat(StrategySpec.fromJson(s.toJson())).isEqualTo(s);
  }

  @Test
  void badPlansAreRefusedNamingTheField() {
    String[][] bad = {
        {"{\"kind\":\"canary\",\"stages\":[{\"percent\":50},{\"percent\":10},{\"percent\":100}]}", "stages only grow"},
        {"{\"kind\":\"canary\",\"stages\":[{\"percent\":10}]}", "last stage must cover 100"},
        {"{\"kind\":\"canary\",\"stages\":[]}", "1 to 20 stages"},
        {"{\"kind\":\"canary\",\"stages\":[{\"percent\":0},{\"percent\":100}]}", "above 0"},
        {"{\"kind\":\"canary\",\"stages\":[{\"percent\":1.001},{\"percent\":100}]}", "two decimals"},
        {"{\"kind\":\"canary\",\"stages\":[{\"percent\":\"NaN\"},{\"percent\":100}]}", "percent"},
        {"{\"kind\":\"canary\",\"stages\":[{\"percent\":1e308},{\"percent\":100}]}", "at most 100"},
        {"{\"kind\":\"canary\",\"stages\":[{\"bakeSeconds\":5},{\"percent\":100}]}", "needs \"percent\""},
        {"{\"kind\":\"canary\",\"stages\":[{\"percent\":100,\"bakeSeconds\":-1}]}", "bakeSeconds"},
        {"{\"kind\":\"canary\",\"stages\":[{\"percent\":100,\"role\":\"shadow\"}]}", "stages are active"},
        {"{\"kind\":\"canary\",\"stages\":[{\"percent\":100,\"bake\":5}]}", "bake"},
        {"{\"kind\":\"canary\",\"gates\":{\"maxErorRate\":0.1}}", "maxErorRate"},
        {"{\"kind\":\"canary\",\"gates\":{\"maxErrorRate\":2}}", "maxErrorRate"},
        {"{\"kind\":\"canary\",\"gates\":{\"maxP95Ratio\":0.5}}", "maxP95Ratio"},
        {"{\"kind\":\"canary\",\"manualApproval\":\"yes\"}", "manualApproval"},
        {"{\"kind\":\"canary\",\"stage\":[]}", "unknown field \"stage\""},
        {"{\"kind\":\"all-at-once\",\"stages\":[{\"percent\":10},{\"percent\":100}]}", "all-at-once has one stage"},
        {"{\"kind\":\"teleport\"}", "not supported"},
        {"[1,2]", "a name"},
        {"42", "a name"},
    };
    for (String[] c : bad) {
      assertThatThrownBy(() -> parse(c[0])).as(c[0]).isInstanceOf(FleetException.class).hasMessageContaining(c[1]);
    }
    StringBuilder many = new StringBuilder("{\"kind\":\"canary\",\"stages\":[");
    for (int i = 1; i <= 10_000; i++) {
      many.append("{\"percent\":").append(i / 100.0).append("},");
    }
    assertThatThrownBy(() -> parse(many.append("{\"percent\":100}]}").toString())).hasMessageContaining("1 to 20 stages");
  }
}
