package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.edgefleet.agent.AgentListener;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.packager.sample.MotorDataGenerator;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device whose data directory is a 3 MB tmpfs fills up the moment its download starts (another
 * process takes all the space). The real server sees the rollout target fail with DISK_FULL, not
 * hang in "downloading"; once the space is freed the device retries by itself and the target ends
 * active, the model verified by its self-test and serving. Mounting needs root: as another user
 * the scenario is skipped (a JUnit assumption).
 */
class DiskFullRolloutTest {

  @TempDir Path dir;

  @Test
  void diskFullDuringDownloadFailsTheTargetThenTheDeviceRetriesToActive() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root; skipped");
    Path devices = Files.createDirectories(dir.resolve("fleet").resolve("devices"));
    run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", devices.toString());
    Path filler = devices.resolve("filler.bin");
    try (FleetFixture fleet = FleetFixture.embedded(dir.resolve("fleet"))) {
      fleet.upload(fleet.bundles.bundle(1));
      // ONNX Runtime's 22 MB of natives could never fit on this disk: they come with the agent's install.
      Path natives = Files.createDirectories(dir.resolve("natives"));
      FleetSimulator sim = fleet.simulate(1, List.of(DeviceProfile.defaultProfile()), b -> b.customizeAgents(a -> a
          .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).nativeLibraryDir(natives)));
      EdgeAgent agent = sim.devices().get(0).agent();
      AtomicBoolean filled = new AtomicBoolean();
      agent.addListener(new AgentListener() {
        @Override
        public void onEvent(DeviceEvent e) {
          if (e.execution() == Execution.DOWNLOAD && e.result() == Result.STARTED && filled.compareAndSet(false, true)) {
            fillUp(filler); // on the agent's loop, before the first chunk is stored
          }
        }
      });
      fleet.awaitDevicesKnown(1);
      String rollout = fleet.rollout(SampleBundles.MODEL, 1, "");

      await().atMost(FleetFixture.PATIENCE).until(() -> "failed".equals(target(fleet, rollout).path("state").asText()));
      JsonNode failed = target(fleet, rollout);
      assertThat(failed.get("reason").asText()).isEqualTo("DISK_FULL");
      assertThat(failed.get("details").asText()).contains("usable");

      long freedAt = System.nanoTime();
      Files.delete(filler);
      await().atMost(FleetFixture.PATIENCE).until(() -> "active".equals(target(fleet, rollout).path("state").asText()));
      long activeMs = (System.nanoTime() - freedAt) / 1_000_000;
      System.out.println("figure: space freed to rollout target active " + activeMs + " ms");

      assertThat(agent.activeVersion(SampleBundles.MODEL)).hasValue(1);
      assertThat(agent.predict(SampleBundles.MODEL, Map.of("features",
          Tensor.row(MotorDataGenerator.create().sample(1L).features()))).version()).isEqualTo(1);
      await().atMost(FleetFixture.PATIENCE).until(() -> agent.stats().outboxSize() == 0);
      assertThat(agent.stats().outboxDropped()).isZero();
      JsonNode device = fleet.api.getJson("/api/v1/devices").get("devices").get(0);
      assertThat(RolloutEndToEndTest.activeVersion(device, SampleBundles.MODEL)).isEqualTo(1);
    } finally {
      run("umount", "-l", devices.toString());
    }
  }

  private static JsonNode target(FleetFixture fleet, String rollout) throws Exception {
    return fleet.api.getJson("/api/v1/rollouts/" + rollout).get("targets").get(0);
  }

  /** Takes every free byte of the file system, as a runaway log on the device would. */
  private static void fillUp(Path filler) {
    try {
      long free = Files.getFileStore(filler.getParent()).getUsableSpace();
      run("fallocate", "-l", Long.toString(free), filler.toString());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("cannot fill the disk: " + e.getMessage(), e);
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }
}
