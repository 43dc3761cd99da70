package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.transport.CoapOptions;
import org.edgefleet.fault.LossyUdpRelay;
import org.edgefleet.server.config.Settings;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CoAP agents behind a relay that drops 5 % and reorders 5 % of the datagrams each way: a bundle
 * still arrives and is verified (the agents serve it), and after the server restarts (same CoAP
 * port, every observation forgotten) the agents register again and take the next rollout.
 */
class CoapLossAndRestartTest {

  static final int DEVICES = 4;
  static final Duration LONG = FleetFixture.PATIENCE.multipliedBy(2);

  @TempDir Path dir;

  @Test
  void bundlesArriveVerifiedOverALossyLinkAndObservationsComeBackAfterARestart() throws Exception {
    int coapPort = freeUdpPort();
    try (FleetFixture fleet = FleetFixture.start(dir, null, b -> b.set(Settings.ROLLOUT_EVALUATE_INTERVAL, Duration.ofMillis(200))
        .set(Settings.COAP_PORT, coapPort).set(Settings.COAP_OBSERVE_MAX_AGE, Duration.ofSeconds(5)));
        LossyUdpRelay relay = new LossyUdpRelay(coapPort, 0.05, 0.05, 14)) {
      FleetSimulator sim = fleet.simulate(DEVICES, List.of(new DeviceProfile("mcu", Map.of("hw", "mcu"), 1, 0)),
          b -> b.telemetryInterval(Duration.ofSeconds(1)).threads(2, 2).coap(relay.coapUrl(), 1)
              .customizeAgents(a -> a.reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                  .set(CoapOptions.OBSERVE_REFRESH, Duration.ofSeconds(2)).set(CoapOptions.ACK_TIMEOUT, Duration.ofMillis(300))
                  .set(CoapOptions.BLOCK_SIZE, 256)));
      fleet.upload(fleet.bundles.bundle(1));
      fleet.upload(fleet.bundles.bundle(2));
      fleet.awaitDevicesKnown(DEVICES);
      fleet.awaitFinished(fleet.rollout(SampleBundles.MODEL, 1, ""));
      await().atMost(LONG).until(() -> sim.countActive(SampleBundles.MODEL, 1) == DEVICES);
      assertThat(relay.dropped()).as("datagrams dropped by the relay").isPositive();
      assertThat(relay.reordered()).as("datagrams reordered by the relay").isPositive();

      fleet.restartServer();
      String second = fleet.rollout(SampleBundles.MODEL, 2, "");
      await().atMost(LONG).pollInterval(Duration.ofMillis(250))
          .untilAsserted(() -> assertThat(sim.countActive(SampleBundles.MODEL, 2))
              .as("devices on v2 after the restart (relay: %d dropped, %d reordered)", relay.dropped(), relay.reordered())
              .isEqualTo(DEVICES));
      fleet.awaitFinished(second);
    }
  }

  private static int freeUdpPort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      return s.getLocalPort();
    }
  }
}
