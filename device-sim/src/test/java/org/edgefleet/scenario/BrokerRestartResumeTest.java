package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker dies (SIGKILL, no persistence) in the middle of a 1 MiB transfer to three devices
 * and comes back: every transfer resumes where it stopped, only the missing chunks are sent again.
 */
class BrokerRestartResumeTest {

  static final int CHUNK = 4096;
  static final int DEVICES = 3;
  static final int WINDOW = 2;

  @TempDir Path dir;

  @Test
  void transfersResumeAfterTheBrokerComesBack() throws Exception {
    try (MosquittoBroker mosquitto = MosquittoBroker.start(dir.resolve("mosquitto"));
         FleetFixture fleet = FleetFixture.start(dir.resolve("fleet"), mosquitto.url(),
             b -> b.chunkSize(CHUNK).chunksInFlight(4, 2))) {
      Path bundle = fleet.bundles.largeBundle(1, 1 << 20);
      long chunks = (Files.size(bundle) + CHUNK - 1) / CHUNK;
      assertThat(chunks).isGreaterThan(200);
      fleet.upload(bundle);
      FleetSimulator sim = fleet.simulate(DEVICES,
          List.of(new DeviceProfile("idle", Map.of("hw", "rpi4"), 0, 0)),
          b -> b.customizeAgents(a -> a.reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
              .chunkWindow(WINDOW).chunkTimeout(Duration.ofSeconds(2))));
      fleet.awaitDevicesKnown(DEVICES);

      fleet.rollout(SampleBundles.MODEL, 1, "");
      await().atMost(FleetFixture.PATIENCE).pollInterval(Duration.ofMillis(5))
          .until(() -> chunksSent(fleet) >= DEVICES * chunks / 3);
      mosquitto.kill();
      double sentBeforeCrash = chunksSent(fleet);
      assertThat(sim.countActive(SampleBundles.MODEL, 1)).as("still mid-transfer at the crash").isLessThan(DEVICES);

      mosquitto.start();
      // Generous: every agent and the server back off before reconnecting, then re-request on timeouts.
      await().atMost(FleetFixture.PATIENCE.multipliedBy(2)).until(() -> sim.countActive(SampleBundles.MODEL, 1) == DEVICES);

      // Starting over would send at least DEVICES * chunks + sentBeforeCrash chunks. Resuming sends
      // each chunk once, plus those lost in flight at the crash and re-requested after a timeout.
      double sent = chunksSent(fleet);
      assertThat(sentBeforeCrash).isGreaterThan(DEVICES * WINDOW * 10);
      assertThat(sent).isLessThanOrEqualTo(DEVICES * chunks + DEVICES * WINDOW * 4);
    }
  }

  static double chunksSent(FleetFixture fleet) throws Exception {
    return Prometheus.sum(fleet.api.getText("/metrics"), "fleet_transfer_chunks_sent_total", "");
  }
}
