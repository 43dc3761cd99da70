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
    assertThat(Strategy.parse("canary")).isEqualTo(Strategy.CANARY);
    assertThat(Strategy.parse("blue-green")).isEqualTo(Strategy.BLUE_GREEN);
    assertThat(Strategy.parse("shadow")).isEqualTo(Strategy.SHADOW);
    assertThat(Strategy.parse("ab")).isEqualTo(Strategy.AB);
    assertThatThrownBy(() -> Strategy.parse("blue_green")).hasMessageContaining("all-at-once, canary, blue-green, shadow, ab");
  }
}
