package org.edgefleet.server.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.TestBundles;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An A/B test split by device, as the server assigns it to devices simulated with Paho: the share
 * of the targets the stable hash picks get the new version as their active one, the others keep
 * theirs (never the new one), both told to record outcomes; abort puts everyone back on the old
 * version with nothing left to record.
 */
class AbSplitByDeviceTest {

  private static final Duration LONG = Duration.ofSeconds(30);
  private static final int DEVICES = 20;
  private static final String MODEL = "ranker";

  @TempDir Path dir;
  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  private final List<FakeDevice> devices = new ArrayList<>();
  private FleetServer server;
  private Api api;
  private TrustStore serverTrust;

  @BeforeEach
  void start() throws Exception {
    server = FleetServer.start(TestServers.config(dir.resolve("data"))
        .trustedPackagerKeys(List.of(TestServers.trustedKey(dir, packager))).build());
    api = Api.admin(server);
    serverTrust = TrustStore.of(server.serverKey());
  }

  @AfterEach
  void stop() {
    devices.forEach(FakeDevice::close);
    server.close();
  }

  @Test
  void armBServesTheNewVersionArmAKeepsItsOwnBothRecordOutcomesAndAbortPutsArmBBack() throws Exception {
    Map<String, Long> revisions = everyDeviceOnVersionOne();
    assertThat(api.upload(TestBundles.write(dir.resolve("b2"), packager, MODEL, 2, 2_000)).status()).isEqualTo(201);

    Api.Response created = api.postJson("/api/v1/rollouts", "{\"model\":\"" + MODEL + "\",\"version\":2,\"strategy\":"
        + "{\"kind\":\"ab\",\"ab\":{\"split\":\"device\",\"share\":0.5,\"plannedPerArm\":1000}}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    long id = created.json().get("id").asLong();
    AbSpec spec = new AbSpec(0.5, AbSplit.DEVICE, 1000);
    Map<String, Integer> armOf = new HashMap<>();
    for (FakeDevice d : devices) {
      DesiredState s = d.awaitDesired(serverTrust, revisions.get(d.id()) + 1, LONG);
      revisions.put(d.id(), s.revision());
      boolean armB = spec.inArmB(d.id(), id);
      assertThat(s.models()).as(d.id()).hasSize(1);
      ModelAssignment m = s.models().get(0);
      assertThat(m.role()).isEqualTo(SlotRole.ACTIVE);
      assertThat(m.recordOutcomes()).as(d.id() + " records outcomes").isTrue();
      assertThat(m.version()).as(d.id() + (armB ? " in arm B" : " in arm A, never the new version")).isEqualTo(armB ? 2 : 1);
      armOf.put(d.id(), m.version());
    }
    int armB = (int) armOf.values().stream().filter(v -> v == 2).count();
    assertThat(armB).as("both arms hold devices").isBetween(1, DEVICES - 1);

    JsonNode rollout = api.get("/api/v1/rollouts/" + id).json();
    assertThat(rollout.get("strategy").get("ab").get("split").asText()).isEqualTo("device");
    JsonNode arms = rollout.get("readings").get("arms");
    assertThat(arms.get("split").asText()).isEqualTo("device");
    assertThat(arms.get("b").asInt()).isEqualTo(armB);
    assertThat(arms.get("a").asInt()).isEqualTo(DEVICES - armB);

    // Arm-B devices take the new version; the arms stay as they were at every later evaluation.
    for (FakeDevice d : devices) {
      if (armOf.get(d.id()) == 2) {
        d.event(MODEL, 2, Execution.ACTIVATE, Result.SUCCESS, null);
        d.report(Map.of("hw", "x"), revisions.get(d.id()), List.of(FakeDevice.active(MODEL, 2)));
      } else {
        d.report(Map.of("hw", "x"), revisions.get(d.id()), List.of(FakeDevice.active(MODEL, 1)));
      }
    }
    // Arm A serves its own version under the rollout, which is not taking the new one: only arm B's targets are active.
    await().atMost(LONG).alias("arm B's targets active, arm A's still pending").until(() -> {
      JsonNode counts = api.get("/api/v1/rollouts/" + id).json().get("counts");
      return counts.path("active").asInt() == armB && counts.path("pending").asInt() == DEVICES - armB;
    });
    for (JsonNode d : api.get("/api/v1/devices?limit=100").json().get("devices")) {
      JsonNode desired = d.get("desired").get("models").get(0);
      assertThat(desired.get("version").asInt()).as(d.get("id").asText()).isEqualTo(armOf.get(d.get("id").asText()));
    }

    Api.Response aborted = api.postJson("/api/v1/rollouts/" + id + "/abort", "{\"reason\":\"enough\"}");
    assertThat(aborted.status()).as(aborted.body()).isEqualTo(200);
    for (FakeDevice d : devices) {
      DesiredState s = d.awaitDesired(serverTrust, revisions.get(d.id()) + 1, LONG);
      assertThat(s.models()).as(d.id()).hasSize(1);
      assertThat(s.models().get(0).version()).as(d.id() + " back on v1").isEqualTo(1);
      assertThat(s.models().get(0).recordOutcomes()).as(d.id() + " records nothing more").isFalse();
    }
  }

  // A first rollout puts v1 on every device, so that the A/B test's targets have an assignment to go back to.
  private Map<String, Long> everyDeviceOnVersionOne() throws Exception {
    for (int i = 0; i < DEVICES; i++) {
      FakeDevice d = new FakeDevice(server.mqttUrl(), String.format("ab-%02d", i), server.topics());
      devices.add(d);
      d.report(Map.of("hw", "x"), 0, List.of());
    }
    await().atMost(LONG).until(() -> api.get("/api/v1/devices?limit=100").json().get("devices").size() == DEVICES);
    assertThat(api.upload(TestBundles.write(dir.resolve("b1"), packager, MODEL, 1, 2_000)).status()).isEqualTo(201);
    Api.Response created = api.postJson("/api/v1/rollouts", "{\"model\":\"" + MODEL + "\",\"version\":1}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    long id = created.json().get("id").asLong();
    Map<String, Long> revisions = new HashMap<>();
    for (FakeDevice d : devices) {
      DesiredState s = d.awaitDesired(serverTrust, 1, LONG);
      revisions.put(d.id(), s.revision());
      d.event(MODEL, 1, Execution.ACTIVATE, Result.SUCCESS, null);
      d.report(Map.of("hw", "x"), s.revision(), List.of(FakeDevice.active(MODEL, 1)));
    }
    await().atMost(LONG).until(() -> api.get("/api/v1/rollouts/" + id).json().get("status").asText().equals("FINISHED"));
    return revisions;
  }
}
