package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.protocol.runtime.Platform;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.SimulatedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mixed fleet of real agents, some standing in for an older agent or an ARMv7 board, meets a
 * bundle that needs agent 0.2.0 on a 64-bit CPU: the server refuses the rollout and names exactly
 * those devices; asked to skip them, it rolls out to the rest and records them, and they never get
 * a desired state naming the bundle.
 */
class IncompatibleDevicesTest {

  private static final Map<String, String> LABELS = Map.of("hw", "mixed");
  private static final List<DeviceProfile> PROFILES = List.of(
      new DeviceProfile("current", LABELS, 10, 0),
      new DeviceProfile("old-agent", LABELS, 10, 0).reportingAs("0.1.0", Platform.current()),
      new DeviceProfile("armv7", LABELS, 10, 0).reportingAs(EdgeAgent.VERSION, Platform.parse("linux-armv7")));

  @TempDir Path dir;

  @Test
  void incompatibleDevicesRefuseTheRolloutOrAreSkippedAndNeverGetTheBundle() throws Exception {
    try (FleetFixture fleet = FleetFixture.embedded(dir)) {
      fleet.upload(fleet.bundles.bundleRequiring(1, "0.2.0", List.of("x86_64", "aarch64")));
      FleetSimulator sim = fleet.simulate(6, PROFILES, UnaryOperator.identity());
      await().atMost(FleetFixture.PATIENCE).until(() -> withCapabilities(fleet) == 6);

      FleetApi.Response refused = fleet.api.createRollout(SampleBundles.MODEL, 1, "hw=mixed");
      assertThat(refused.status()).as(refused.text()).isEqualTo(409);
      assertThat(refused.body().get("error").asText()).isEqualTo("incompatible_devices");
      Map<String, String> expected = new HashMap<>();
      for (SimulatedDevice d : sim.devices()) {
        switch (d.profile().name()) {
          case "old-agent" -> expected.put(d.id(), "agent 0.1.0 < required 0.2.0");
          case "armv7" -> expected.put(d.id(), "arch linux-armv7 not in [x86_64, aarch64]");
          default -> { }
        }
      }
      assertThat(reasons(refused.body().get("details").get("incompatible"))).isEqualTo(expected);
      assertThat(fleet.api.getJson("/api/v1/rollouts").get("rollouts")).isEmpty();

      FleetApi.Response created = fleet.api.createRollout(Map.of("model", SampleBundles.MODEL, "version", 1,
          "selector", "hw=mixed", "incompatible", "skip"));
      assertThat(created.status()).as(created.text()).isEqualTo(201);
      String id = created.body().get("id").asText();
      await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 1) == 2);
      await().atMost(FleetFixture.PATIENCE).until(() ->
          "FINISHED".equals(fleet.api.getJson("/api/v1/rollouts/" + id).get("status").asText()));

      JsonNode rollout = fleet.api.getJson("/api/v1/rollouts/" + id);
      assertThat(rollout.get("counts").get("active").asInt()).isEqualTo(2);
      assertThat(rollout.get("counts").get("skipped").asInt()).isEqualTo(4);
      Map<String, String> skipped = new HashMap<>();
      for (JsonNode t : rollout.get("targets")) {
        if (t.get("state").asText().equals("skipped")) {
          skipped.put(t.get("deviceId").asText(), t.get("details").asText());
        }
      }
      assertThat(skipped).isEqualTo(expected);

      // The skipped devices were never sent a desired state: none applied a revision or touched the model.
      for (SimulatedDevice d : sim.devices()) {
        JsonNode view = fleet.api.getJson("/api/v1/devices/" + d.id());
        if (expected.containsKey(d.id())) {
          assertThat(view.get("desired").get("revision").asLong()).as(d.id()).isZero();
          assertThat(view.get("appliedRevision").asLong()).as(d.id()).isZero();
          assertThat(view.get("models")).as(d.id()).isEmpty();
          assertThat(d.agent().activeVersion(SampleBundles.MODEL)).as(d.id()).isEmpty();
        } else {
          assertThat(d.agent().activeVersion(SampleBundles.MODEL)).as(d.id()).hasValue(1);
        }
      }
      assertThat(sim.totalFailures()).isZero();
    }
  }

  private static long withCapabilities(FleetFixture fleet) throws Exception {
    JsonNode devices = fleet.api.getJson("/api/v1/devices").get("devices");
    long n = 0;
    for (JsonNode d : devices) {
      if (d.hasNonNull("capabilities")) {
        n++;
      }
    }
    return n;
  }

  private static Map<String, String> reasons(JsonNode incompatible) {
    Map<String, String> out = new HashMap<>();
    incompatible.forEach(d -> out.put(d.get("deviceId").asText(), d.get("details").asText()));
    return out;
  }
}
