package org.edgefleet.protocol.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.message.ReportedState.Capabilities;
import org.edgefleet.protocol.runtime.Compatibility.Requirements;
import org.edgefleet.protocol.runtime.Incompatibility.Kind;
import org.junit.jupiter.api.Test;

class CompatibilityTest {

  private static final Requirements ONNX_ON_64_BIT = new Requirements(ModelFormat.ONNX,
      new Manifest.RuntimeRequirements("0.2.0", List.of("linux-x86_64", "linux-aarch64"), 13), 10_000L);
  private static final Capabilities PI = new Capabilities("linux-aarch64", List.of("onnx"), 1_000_000L, 50_000_000L);

  @Test
  void aDeviceThatHasWhatTheBundleNeedsCanRunIt() {
    assertThat(Compatibility.check(ONNX_ON_64_BIT, "0.2.0", PI)).isEmpty();
    assertThat(Compatibility.check(ONNX_ON_64_BIT, "0.10.0", PI)).isEmpty();
    Requirements bareCpus = new Requirements(ModelFormat.ONNX, new Manifest.RuntimeRequirements("0.1.0", List.of("x86_64", "aarch64"), 13), null);
    assertThat(Compatibility.check(bareCpus, "0.2.0", PI)).isEmpty();
  }

  @Test
  void everyMismatchIsNamedWithBothSides() {
    Requirements tflite = new Requirements(ModelFormat.TFLITE, ONNX_ON_64_BIT.runtime(), 10_000L);
    assertThat(Compatibility.check(tflite, "0.2.0", PI)).extracting(Incompatibility::message)
        .containsExactly("format tflite not supported (agent has: onnx)");
    Capabilities armv7 = new Capabilities("linux-armv7", List.of("onnx"), null, null);
    assertThat(Compatibility.check(ONNX_ON_64_BIT, "0.2.0", armv7)).extracting(Incompatibility::message)
        .containsExactly("arch linux-armv7 not in [linux-x86_64, linux-aarch64]");
    assertThat(Compatibility.check(ONNX_ON_64_BIT, "0.1.0", PI)).extracting(Incompatibility::message)
        .containsExactly("agent 0.1.0 < required 0.2.0");
    Capabilities tiny = new Capabilities("linux-aarch64", List.of("onnx"), 5_000L, 8_000L);
    assertThat(Compatibility.check(ONNX_ON_64_BIT, "0.2.0", tiny)).extracting(Incompatibility::kind)
        .containsExactly(Kind.BUNDLE_TOO_LARGE, Kind.DISK_TOO_SMALL);
    assertThat(Compatibility.check(ONNX_ON_64_BIT, "0.1.0", armv7)).extracting(Incompatibility::kind)
        .containsExactly(Kind.ARCH_UNSUPPORTED, Kind.AGENT_TOO_OLD);
  }

  @Test
  void anAgentThatReportsNoCapabilitiesIsUnknownAndStillCheckedOnItsVersion() {
    assertThat(Compatibility.check(ONNX_ON_64_BIT, "0.1.0", null)).extracting(Incompatibility::kind)
        .containsExactly(Kind.CAPABILITIES_UNKNOWN, Kind.AGENT_TOO_OLD);
    assertThat(Compatibility.check(ONNX_ON_64_BIT, "0.1.0", null).get(0).message()).startsWith("capabilities unknown");
  }

  @Test
  void aBundleWithoutRequirementsNeedsOnlyItsFormat() {
    Requirements none = new Requirements(ModelFormat.ONNX, null, null);
    assertThat(Compatibility.check(none, "0.0.1", new Capabilities("linux-riscv64", List.of("onnx"), null, null))).isEmpty();
  }
}
