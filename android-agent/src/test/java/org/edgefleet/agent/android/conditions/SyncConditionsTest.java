package org.edgefleet.agent.android.conditions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.Test;

public class SyncConditionsTest {

  @Test
  public void connectsOnlyWhenEveryConditionHolds() {
    DeviceState phoneOnMobileData = new DeviceState(true, true, false, false);
    DeviceState onWifiCharging = new DeviceState(true, true, true, true);
    DeviceState inBackground = new DeviceState(false, true, true, true);
    DeviceState offline = new DeviceState(true, false, false, true);

    assertThat(SyncConditions.DEFAULT.allow(phoneOnMobileData)).isTrue();
    assertThat(SyncConditions.DEFAULT.allow(inBackground)).isFalse();
    assertThat(SyncConditions.DEFAULT.blockedBy(inBackground)).isEqualTo("app in the background");
    assertThat(SyncConditions.DEFAULT.allow(offline)).isFalse();

    SyncConditions strict = new SyncConditions(true, true, true);
    assertThat(strict.allow(phoneOnMobileData)).isFalse();
    assertThat(strict.blockedBy(phoneOnMobileData)).isEqualTo("metered network");
    assertThat(strict.blockedBy(new DeviceState(true, true, true, false))).isEqualTo("not charging");
    assertThat(strict.allow(onWifiCharging)).isTrue();
    assertThat(strict.allow(inBackground)).isTrue();
    assertThat(strict.blockedBy(onWifiCharging)).isEmpty();
  }
}
