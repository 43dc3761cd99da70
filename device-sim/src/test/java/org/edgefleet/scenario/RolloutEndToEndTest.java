package org.edgefleet.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;
import org.edgefleet.sim.SimulatedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spine, end to end: an operator packages the sample model, uploads it and rolls it out;
 * twenty simulated devices download it in chunks over MQTT, verify, self-test and activate it,
 * serve predictions, and their telemetry shows up in the model's metrics.
 */
class RolloutEndToEndTest {

  static final List<DeviceProfile> PROFILES = List.of(
      new DeviceProfile("rpi4", Map.of("hw", "rpi4", "region", "eu"), 20, 0),
      new DeviceProfile("jetson", Map.of("hw", "jetson", "region", "us"), 20, 0));

  @TempDir Path dir;

  @Test
  void embeddedBrokerAndSqlite() throws Exception {
    try (FleetFixture fleet = FleetFixture.embedded(dir)) {
      rollOutToTwentyDevices(fleet);
    }
  }

  @Test
  void externalMosquitto() throws Exception {
    try (MosquittoBroker mosquitto = MosquittoBroker.start(dir.resolve("mosquitto"));
         FleetFixture fleet = FleetFixture.start(dir.resolve("fleet"), mosquitto.url(), UnaryOperator.identity())) {
      rollOutToTwentyDevices(fleet);
    }
  }

  static void rollOutToTwentyDevices(FleetFixture fleet) throws Exception {
    JsonNode v1 = fleet.upload(fleet.bundles.bundle(1));
    assertThat(v1.get("version").asInt()).isEqualTo(1);
    FleetSimulator sim = fleet.simulate(20, PROFILES, UnaryOperator.identity());
    fleet.awaitDevicesKnown(20);

    String rollout = fleet.rollout(SampleBundles.MODEL, 1, "");
    await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 1) == 20);
    await().atMost(FleetFixture.PATIENCE).until(() ->
        "FINISHED".equals(fleet.api.getJson("/api/v1/rollouts/" + rollout).get("status").asText()));

    JsonNode devices = fleet.api.getJson("/api/v1/devices").get("devices");
    assertThat(devices).hasSize(20);
    for (JsonNode d : devices) {
      assertThat(activeVersion(d, SampleBundles.MODEL)).as(d.toString()).isEqualTo(1);
      assertThat(d.get("online").asBoolean()).isTrue();
    }

    // Telemetry of the predictions the devices make shows up in the model's metrics.
    await().atMost(FleetFixture.PATIENCE).until(() -> inferenceCount(fleet, 1) >= 100);
    JsonNode version1 = versionMetrics(fleet, 1);
    assertThat(version1.get("errors").asLong()).isZero();
    assertThat(version1.get("latencyMs").get("p50").asDouble()).isPositive();
    assertThat(version1.get("latencyMs").get("p99").asDouble())
        .isGreaterThanOrEqualTo(version1.get("latencyMs").get("p50").asDouble());
    assertThat(sim.totalFailures()).isZero();

    // A second version goes only to the devices the selector picks.
    fleet.upload(fleet.bundles.bundle(2));
    fleet.rollout(SampleBundles.MODEL, 2, "hw=jetson");
    await().atMost(FleetFixture.PATIENCE).until(() -> sim.countActive(SampleBundles.MODEL, 2) == 10);
    for (SimulatedDevice d : sim.devices()) {
      int expected = d.profile().labels().get("hw").equals("jetson") ? 2 : 1;
      assertThat(d.agent().activeVersion(SampleBundles.MODEL)).as(d.id()).hasValue(expected);
    }
    assertThat(fleet.api.getText("/metrics")).contains("fleet_");
  }

  static int activeVersion(JsonNode device, String model) {
    for (JsonNode m : device.get("models")) {
      if (m.get("name").asText().equals(model)) {
        return m.path("activeVersion").asInt(-1);
      }
    }
    return -1;
  }

  static JsonNode versionMetrics(FleetFixture fleet, int version) throws Exception {
    for (JsonNode v : fleet.api.getJson("/api/v1/metrics/models/" + SampleBundles.MODEL).get("versions")) {
      if (v.get("version").asInt() == version) {
        return v;
      }
    }
    return null;
  }

  static long inferenceCount(FleetFixture fleet, int version) throws Exception {
    JsonNode v = versionMetrics(fleet, version);
    return v == null ? 0 : v.get("inferences").asLong();
  }
}
