package org.edgefleet.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A profile's faults check themselves, and wait for their switch. */
class FaultsTest {

  @Test
  void faultsComposeAndWaitForTheirSwitch() {
    BadModel.Switch on = new BadModel.Switch(false);
    Faults f = Faults.NONE.flapping(Duration.ofSeconds(2), Duration.ofSeconds(1)).corruptingChunks(0.2).fullDisk()
        .killedMidDownload(Duration.ofSeconds(3)).slowHardware(2).from(on);
    assertThat(f.flaps()).isTrue();
    assertThat(f.diskFull()).isTrue();
    assertThat(f.corruptChunks()).isEqualTo(0.2);
    assertThat(f.active()).isFalse();
    on.on();
    assertThat(f.active()).isTrue();
    assertThat(Faults.NONE.active()).as("without a switch, at once").isTrue();
    DeviceProfile p = new DeviceProfile("x", Map.of(), 1, 0);
    assertThat(p.faults()).isEqualTo(Faults.NONE);
    assertThat(p.withFaults(f).faults()).isEqualTo(f);
  }

  @Test
  void nonsenseFaultsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> Faults.NONE.corruptingChunks(1.5)).hasMessageContaining("corruptChunks");
    assertThatThrownBy(() -> Faults.NONE.corruptingChunks(Double.NaN)).hasMessageContaining("corruptChunks");
    assertThatThrownBy(() -> Faults.NONE.slowHardware(0.5)).hasMessageContaining("slowdown");
    assertThatThrownBy(() -> Faults.NONE.flapping(Duration.ofMillis(1), Duration.ofSeconds(1))).hasMessageContaining("flapUp");
    assertThatThrownBy(() -> new Faults(Duration.ofSeconds(1), null, null, 0, 0, false, 1, null)).hasMessageContaining("both");
    assertThatThrownBy(() -> Faults.NONE.killedMidDownload(Duration.ofSeconds(-1))).hasMessageContaining("killedFor");
  }
}
