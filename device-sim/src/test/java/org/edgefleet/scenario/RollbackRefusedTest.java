package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.SimulatedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollout of an older version is refused by every device with the reason, and a tampered
 * bundle is refused by the server; through both, the devices keep serving the version they have.
 */
class RollbackRefusedTest {

  static final int DEVICES = 4;

  @TempDir Path dir;

  @Test
  void olderVersionAndTamperedBundleChangeNothing() throws Exception {
    try (FleetFixture fleet = FleetFixture.embedded(dir)) {
      fleet.upload(fleet.bundles.bundle(1));
      fleet.upload(fleet.bundles.bundle(2));
      FleetSimulator sim = fleet.simulate(DEVICES, List.of(new DeviceProfile("busy", Map.of("hw", "rpi4"), 20, 0)), b -> b);
      fleet.awaitDevicesKnown(DEVICES);
      String up = fleet.rollout(SampleBundles.MODEL, 2, "");
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 2) == DEVICES);
      fleet.awaitFinished(up);

      String back = fleet.rollout(SampleBundles.MODEL, 1, "hw=rpi4");
      await().atMost(FleetFixture.PATIENCE).until(() -> failedWith(fleet, back, "VERSION_NOT_NEWER") == DEVICES);
      for (SimulatedDevice d : sim.devices()) {
        assertThat(d.agent().activeVersion(SampleBundles.MODEL)).as(d.id()).hasValue(2);
      }

      Path tampered = dir.resolve("tampered.bundle");
      byte[] bytes = Files.readAllBytes(fleet.bundles.bundle(3));
      bytes[bytes.length / 2] ^= 0x5a;
      Files.write(tampered, bytes);
      FleetApi.Response refused = fleet.api.uploadBundle(tampered);
      assertThat(refused.status()).isBetween(400, 499);
      assertThat(refused.body().get("message").asText()).isNotBlank();
      assertThat(fleet.api.getJson("/api/v1/models").toString()).doesNotContain("\"version\":3");

      long before = sim.totalPredictions();
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.totalPredictions() > before + DEVICES * 5);
      assertThat(sim.totalFailures()).isZero();
    }
  }

  static long failedWith(FleetFixture fleet, String rollout, String reason) throws Exception {
    JsonNode r = fleet.api.getJson("/api/v1/rollouts/" + rollout);
    long n = 0;
    for (JsonNode t : r.get("targets")) {
      if ("failed".equalsIgnoreCase(t.path("state").asText()) && t.path("reason").asText().contains(reason)) {
        n++;
      }
    }
    return n;
  }
}
