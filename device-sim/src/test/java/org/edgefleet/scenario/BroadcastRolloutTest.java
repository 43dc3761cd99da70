package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefleet.server.config.Settings;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.Faults;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.SimulatedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Send once, repair per device, at fleet scale: real agents (60 by default, 300 with
 * -DbroadcastRollout.devices=300) take a rollout whose chunks the
 * server broadcasts once. A tenth of them lose a fifth of the chunk frames sent to them, and one in
 * twenty is cut off at the first chunk and comes back after the broadcast ended. Every device ends
 * with the version active, and the server sent the bundle once plus only the repairs the losses
 * explain.
 */
class BroadcastRolloutTest {

  // 60 by default (80 s on a busy 2-core machine); the fleet-scale run: -DbroadcastRollout.devices=300
  static final int DEVICES = Integer.getInteger("broadcastRollout.devices", 60);
  static final int PROFILES = 20; // device i has profile i % 20: 2 of them drop chunks, 1 is cut off
  static final double DROP_SHARE = 0.2;
  static final Duration OFFLINE = Duration.ofSeconds(20);
  static final int CHUNK = 4096;

  @TempDir Path dir;

  @Test
  void aFleetGetsTheBundleOnceAndRepairsWhatItMissed() throws Exception {
    long startedAt = System.nanoTime();
    try (FleetFixture fleet = FleetFixture.start(dir, null, c -> c.chunkSize(CHUNK)
        .set(Settings.BROADCAST_MIN_DEVICES, DEVICES / 6).set(Settings.BROADCAST_GATHER, Duration.ofSeconds(10))
        .set(Settings.BROADCAST_CHUNKS_PER_SECOND, 20))) {
      Path bundle = fleet.bundles.largeBundle(1, 100_000);
      fleet.upload(bundle);
      int chunks = (int) ((Files.size(bundle) + CHUNK - 1) / CHUNK);
      FleetSimulator sim = fleet.simulate(DEVICES, profiles(), b -> b.telemetryInterval(Duration.ofSeconds(5)).threads(4, 1));
      // Starting hundreds of agents on a small machine takes longer than the fixture's patience (and the
      // device listing is paged): the server's own count.
      await().atMost(Duration.ofSeconds(90 + DEVICES)).pollInterval(Duration.ofSeconds(1))
          .until(() -> Prometheus.sum(fleet.api.getText("/metrics"), "fleet_devices_known", "") >= DEVICES);
      System.out.printf("broadcast rollout: %d devices known after %.1f s%n", DEVICES, (System.nanoTime() - startedAt) / 1e9);

      fleet.rollout(SampleBundles.MODEL, 1, "");
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
          .until(() -> sim.countActive(SampleBundles.MODEL, 1) == DEVICES);

      String metrics = fleet.api.getText("/metrics");
      double passes = Prometheus.sum(metrics, "fleet_transfer_broadcast_passes_total", "");
      double broadcast = Prometheus.sum(metrics, "fleet_transfer_broadcast_chunks_total", "");
      double perDevice = Prometheus.sum(metrics, "fleet_transfer_chunks_sent_total", "");
      long dropped = sim.totalDroppedChunks();
      long lateJoiners = sim.devices().stream().filter(d -> d.restarts() > 0).count();
      long askedAgain = sim.totalChunksAskedAgain();
      System.out.printf("broadcast rollout: devices=%d chunks=%d passes=%.0f broadcast=%.0f per_device=%.0f dropped=%d"
          + " late=%d asked_again=%d seconds=%.1f%n", DEVICES, chunks, passes, broadcast, perDevice, dropped, lateJoiners,
          askedAgain, (System.nanoTime() - startedAt) / 1e9);

      assertThat(lateJoiners).as("devices cut off at the first chunk, back after the broadcast").isEqualTo(DEVICES / PROFILES);
      assertThat(dropped).as("the droppers lost frames").isPositive();
      assertThat(passes).isEqualTo(1);
      assertThat(broadcast).as("the bundle went out once").isEqualTo(chunks);
      // Each lost frame is asked for once more; a device back after the broadcast asks for the whole bundle; a
      // request answered after the agent's chunk timeout (a busy machine) is asked, and served, again.
      assertThat(perDevice).as("repairs").isLessThanOrEqualTo(dropped + (double) lateJoiners * chunks + askedAgain);
      for (SimulatedDevice d : sim.devices()) {
        assertThat(d.agent().activeVersion(SampleBundles.MODEL)).as(d.id()).hasValue(1);
      }
      assertThat(sim.totalFailures()).isZero();
    }
  }

  private static List<DeviceProfile> profiles() {
    List<DeviceProfile> out = new ArrayList<>();
    for (int i = 0; i < PROFILES; i++) {
      Faults faults = i < 2 ? Faults.NONE.droppingChunks(DROP_SHARE) : i == 2 ? Faults.NONE.killedMidDownload(OFFLINE) : Faults.NONE;
      out.add(new DeviceProfile("p" + i, Map.of("hw", "rpi4"), 0, 0).withFaults(faults));
    }
    return out;
  }

}
