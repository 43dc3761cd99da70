package org.edgefleet.server.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.device.UpdateState;
import org.junit.jupiter.api.Test;

class RolloutRulesTest {

  @Test
  void selectorsMatchEveryPairAndRefuseWhatIsNotAPair() {
    Selector s = Selector.parse(" hw=rpi4 , region=eu ");
    assertThat(s.matches(Map.of("hw", "rpi4", "region", "eu", "extra", "x"))).isTrue();
    assertThat(s.matches(Map.of("hw", "rpi4"))).isFalse();
    assertThat(s).hasToString("hw=rpi4,region=eu");
    assertThat(Selector.parse(null).matches(Map.of())).isTrue();
    assertThat(Selector.parse("").matches(Map.of("a", "b"))).isTrue();
    for (String bad : new String[] {"hw", "hw=", "=rpi4", "hw=rpi4,", "hw=a b", "hw=x,hw=y"}) {
      assertThatThrownBy(() -> Selector.parse(bad)).as(bad).isInstanceOf(FleetException.class)
          .extracting(e -> ((FleetException) e).code()).isEqualTo("bad_selector");
    }
  }

  @Test
  void targetsOnlyMoveForwardExceptThroughFailure() {
    assertThat(TargetState.PENDING.movesTo(TargetState.DOWNLOADING)).isTrue();
    assertThat(TargetState.INSTALLING.movesTo(TargetState.DOWNLOADING)).as("late event").isFalse();
    assertThat(TargetState.ACTIVE.movesTo(TargetState.INSTALLING)).isFalse();
    assertThat(TargetState.ACTIVE.movesTo(TargetState.FAILED)).as("rolled back on the device").isTrue();
    assertThat(TargetState.FAILED.movesTo(TargetState.DOWNLOADING)).as("the device retries").isTrue();
    assertThat(TargetState.SUPERSEDED.movesTo(TargetState.ACTIVE)).isFalse();
    assertThat(TargetState.ACTIVE.movesTo(TargetState.ACTIVE)).isFalse();
  }

  @Test
  void eventsMapToUpdateStates() {
    assertThat(UpdateState.of(Execution.DOWNLOAD, Result.SUCCESS)).isEqualTo(UpdateState.DOWNLOADING);
    assertThat(UpdateState.of(Execution.SELF_TEST, Result.STARTED)).isEqualTo(UpdateState.INSTALLING);
    assertThat(UpdateState.of(Execution.ACTIVATE, Result.STARTED)).isEqualTo(UpdateState.INSTALLING);
    assertThat(UpdateState.of(Execution.ACTIVATE, Result.SUCCESS)).isEqualTo(UpdateState.ACTIVE);
    assertThat(UpdateState.of(Execution.VERIFY, Result.FAILURE)).isEqualTo(UpdateState.FAILED);
    assertThat(UpdateState.of(Execution.ROLLBACK, Result.SUCCESS)).isEqualTo(UpdateState.FAILED);
  }

  @Test
  void onlyKnownStrategiesAreAccepted() {
    assertThat(Strategy.parse(null)).isEqualTo(Strategy.ALL_AT_ONCE);
    assertThat(Strategy.parse("all-at-once")).isEqualTo(Strategy.ALL_AT_ONCE);
    assertThatThrownBy(() -> Strategy.parse("canary")).hasMessageContaining("all-at-once");
  }
}
