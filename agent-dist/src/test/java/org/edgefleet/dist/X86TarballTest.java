package org.edgefleet.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The x86_64 tarball, unpacked and run from its launcher on this machine's JVM. */
class X86TarballTest {

  static final Duration PATIENCE = Duration.ofSeconds(90);

  @TempDir Path dir;

  @Test
  void runsFromItsLauncherReceivesAModelServesItLocallyAndEndsOnSigterm() throws Exception {
    try (FleetUnderTest fleet = FleetUnderTest.start(dir.resolve("fleet"))) {
      UnpackedAgent agent = UnpackedAgent.unpack("x86_64", Files.createDirectories(dir.resolve("device")), fleet,
          "board-x86-64", Path.of(System.getProperty("java.home")));
      Map<String, Tensor> servedLocally;
      try {
        long pid = TarballScenario.receiveModel(fleet, agent, "x86_64", PATIENCE);
        // Java's temporary files and the natives are in the data dir, not /tmp.
        assertThat(agent.dataDir.resolve("tmp")).isDirectory();
        assertThat(agent.dataDir.resolve("native")).isDirectory();
        System.out.println("event=dist_rss arch=x86_64 pid=" + pid + " " + Rss.of(pid));
        servedLocally = TarballScenario.servesThePackagersOutputsLocally(agent, PATIENCE);
        TarballScenario.stopsOnSigterm(agent);
      } finally {
        agent.kill();
      }
      double diff = TarballScenario.predictsThePackagersOutputs(agent, servedLocally, PATIENCE);
      System.out.println("event=dist_predict arch=x86_64 max_abs_diff_from_x86_64=" + diff);
    }
  }
}
