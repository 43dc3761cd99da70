package org.edgefleet.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aarch64 tarball on an ARM64 JVM under qemu-user: proves that the ARM build carries the
 * natives it needs (ONNX Runtime's linux-aarch64 library runs the model) and gives the same
 * outputs as x86_64. Emulation is about 8x slower: this never times anything. Needs Debian's
 * {@code qemu-user-static} and {@code openjdk-17-jre-headless:arm64} (installed by .ci/run);
 * skipped without them on a developer's machine, failed without them under CI.
 */
class Aarch64TarballTest {

  static final Path QEMU = Path.of("/usr/bin/qemu-aarch64-static");
  static final Path ARM64_JAVA = Path.of("/usr/lib/jvm/java-17-openjdk-arm64/bin/java");
  /** Start, self-test and a round trip of the model are each a few emulated JVM seconds. */
  static final Duration PATIENCE = Duration.ofMinutes(4);

  @TempDir Path dir;

  @BeforeAll
  static void emulatorPresent() {
    boolean present = Files.isExecutable(QEMU) && Files.isExecutable(ARM64_JAVA);
    String missing = QEMU + " or " + ARM64_JAVA + " is missing (apt-get install qemu-user-static openjdk-17-jre-headless:arm64"
        + " after dpkg --add-architecture arm64; .ci/run does it)";
    if ("true".equals(System.getenv("CI"))) {
      assertThat(present).as("under CI the aarch64 tarball must be tested: " + missing).isTrue();
    }
    Assumptions.assumeTrue(present, missing);
  }

  @Test
  void runsUnderQemuReceivesAModelAndServesItLocallyAsOnX86() throws Exception {
    try (FleetUnderTest fleet = FleetUnderTest.start(dir.resolve("fleet"))) {
      UnpackedAgent agent = UnpackedAgent.unpack("aarch64", Files.createDirectories(dir.resolve("device")), fleet,
          "board-aarch64", emulatedJavaHome(dir.resolve("arm64-java")));
      Map<String, Tensor> servedLocally;
      try {
        TarballScenario.receiveModel(fleet, agent, "aarch64", PATIENCE);
        servedLocally = TarballScenario.servesThePackagersOutputsLocally(agent, PATIENCE);
        TarballScenario.stopsOnSigterm(agent);
      } finally {
        agent.kill();
      }
      assertThat(agent.logText()).contains("event=model_active");
      // The natives the agent unpacked are the ARM ones of the tarball.
      try (var natives = Files.walk(agent.dataDir.resolve("native"))) {
        assertThat(natives.map(Path::toString)).anyMatch(p -> p.contains("linux-aarch64") && p.endsWith("libonnxruntime.so"));
      }
      double diff = TarballScenario.predictsThePackagersOutputs(agent, servedLocally, PATIENCE);
      System.out.println("event=dist_predict arch=aarch64 max_abs_diff_from_x86_64=" + diff);
    }
  }

  /**
   * A JAVA_HOME whose {@code bin/java} runs the ARM64 JVM under qemu, so the tarball's launcher
   * runs unchanged; qemu passes SIGTERM on to the emulated JVM.
   */
  static Path emulatedJavaHome(Path home) throws IOException {
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\nQEMU_LD_PREFIX=/ exec " + QEMU + " " + ARM64_JAVA + " \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }
}
