package org.edgefleet.protocol.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PlatformTest {

  @Test
  void spellingsOfOneCpuComeDownToOneName() {
    assertThat(Platform.parse("linux-amd64")).isEqualTo(Platform.parse("linux-x86_64"));
    assertThat(Platform.parse("linux-arm64")).hasToString("linux-aarch64");
    assertThat(Platform.parse("android-aarch64")).hasToString("android-arm64");
    assertThat(Platform.parse("android-arm64")).isEqualTo(new Platform("android", "aarch64"));
    assertThat(Platform.parse("linux-armv7l")).hasToString("linux-armv7");
    assertThat(Platform.parse("linux-riscv64")).hasToString("linux-riscv64");
  }

  @Test
  void anArchitectureEntryIsAWholePlatformOrABareCpu() {
    Platform pi = Platform.parse("linux-aarch64");
    assertThat(pi.allowedBy("linux-aarch64")).isTrue();
    assertThat(pi.allowedBy("linux-arm64")).isTrue();
    assertThat(pi.allowedBy("aarch64")).isTrue();
    assertThat(pi.allowedBy("arm64")).isTrue();
    assertThat(pi.allowedBy("android-arm64")).isFalse();
    assertThat(pi.allowedBy("x86_64")).isFalse();
    assertThat(pi.allowedBy("linux-")).isFalse();
  }

  @Test
  void thisJvmHasAPlatform() {
    Platform here = Platform.current();
    assertThat(Platform.parse(here.toString())).isEqualTo(here);
    assertThat(here.allowedBy(System.getProperty("os.arch"))).isTrue();
  }

  @Test
  void aNameThatIsNoPlatformIsNamed() {
    assertThatThrownBy(() -> Platform.parse("x86_64")).hasMessageContaining("'x86_64' is not os-cpu");
    assertThatThrownBy(() -> Platform.parse("Linux OS-x86_64")).hasMessageContaining("platform os");
  }
}
