package org.edgefleet.server.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.PublicKey;
import org.edgefleet.protocol.trust.Sha256;
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

/** A rollout to devices simulated with Paho, from upload to every device's final state. */
class RolloutFlowTest {

  private static final Duration LONG = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  private FleetServer server;
  private Api api;
  private TrustStore serverTrust;

  @BeforeEach
  void start() throws Exception {
    Path trusted = dir.resolve("packager.pub.json");
    KeyFiles.writePublic(trusted, packager.publicKey());
    server = FleetServer.start(TestServers.config(dir.resolve("data")).trustedPackagerKeys(List.of(trusted)).build());
    api = Api.admin(server);
    // Provision the devices' trust the way an operator would: from the key endpoint.
    Path keyFile = Files.writeString(dir.resolve("server.pub.json"), api.get("/api/v1/keys/server").body());
    PublicKey serverKey = KeyFiles.readPublic(keyFile);
    assertThat(serverKey).isEqualTo(server.serverKey());
    assertThat(serverKey.role()).isEqualTo(KeyRole.SERVER);
    serverTrust = TrustStore.of(serverKey);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void rolloutReachesSelectedDevicesWhichFetchTheExactBundleAndReportBack() throws Exception {
    try (FakeDevice eu = device("cam-eu", Map.of("hw", "rpi4", "region", "eu"));
         FakeDevice us = device("cam-us", Map.of("hw", "rpi4", "region", "us"));
         FakeDevice jetson = device("cam-jetson", Map.of("hw", "jetson"))) {
      await().atMost(LONG).until(() -> api.get("/api/v1/devices").json().get("devices").size() == 3);
      Path bundle = TestBundles.write(dir.resolve("b1"), packager, "detector", 1, 300_000);
      assertThat(api.upload(bundle).status()).isEqualTo(201);

      Api.Response created = api.postJson("/api/v1/rollouts", "{\"model\":\"detector\",\"version\":1,\"selector\":\"hw=rpi4\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      JsonNode rollout = created.json();
      long id = rollout.get("id").asLong();
      assertThat(rollout.get("status").asText()).isEqualTo("RUNNING");
      assertThat(rollout.get("strategy").get("kind").asText()).isEqualTo("all-at-once");
      assertThat(rollout.get("targets").findValuesAsText("deviceId")).containsExactly("cam-eu", "cam-us");
      assertThat(rollout.get("counts").get("pending").asInt()).isEqualTo(2);

      DesiredState euDesired = eu.awaitDesired(serverTrust, 1, LONG);
      assertThat(euDesired.deviceId()).isEqualTo("cam-eu");
      ModelAssignment a = euDesired.models().get(0);
      assertThat(a.name()).isEqualTo("detector");
      assertThat(a.version()).isEqualTo(1);
      assertThat(a.allowRollback()).isFalse();
      assertThat(a.bundle().digest()).isEqualTo(Sha256.hex(bundle));
      assertThat(a.bundle().size()).isEqualTo(Files.size(bundle));
      DesiredState usDesired = us.awaitDesired(serverTrust, 1, LONG);

      Api.Response deleteWhileRunning = api.delete("/api/v1/models/detector/versions/1");
      assertThat(deleteWhileRunning.status()).isEqualTo(409);
      assertThat(deleteWhileRunning.json().get("message").asText()).contains("rollout [" + id + "] is active");

      eu.event("detector", 1, Execution.DOWNLOAD, Result.STARTED, null);
      awaitTarget(id, "cam-eu", "downloading");
      assertThat(eu.fetch(a.bundle(), 16, LONG)).isEqualTo(Files.readAllBytes(bundle));
      eu.event("detector", 1, Execution.VERIFY, Result.SUCCESS, null);
      eu.event("detector", 1, Execution.INSTALL, Result.SUCCESS, null);
      awaitTarget(id, "cam-eu", "installing");
      eu.event("detector", 1, Execution.ACTIVATE, Result.SUCCESS, null);
      eu.report(Map.of("hw", "rpi4", "region", "eu"), euDesired.revision(), List.of(FakeDevice.active("detector", 1)));

      us.event("detector", 1, Execution.DOWNLOAD, Result.STARTED, null);
      us.fetch(usDesired.models().get(0).bundle(), 4, LONG);
      us.event("detector", 1, Execution.INSTALL, Result.FAILURE, "disk_full");

      await().atMost(LONG).until(() -> api.get("/api/v1/rollouts/" + id).json().get("status").asText().equals("FINISHED"));
      JsonNode done = api.get("/api/v1/rollouts/" + id).json();
      assertThat(done.get("counts").get("active").asInt()).isEqualTo(1);
      assertThat(done.get("counts").get("failed").asInt()).isEqualTo(1);
      JsonNode usTarget = target(done, "cam-us");
      assertThat(usTarget.get("reason").asText()).isEqualTo("disk_full");
      assertThat(usTarget.get("details").asText()).isEqualTo("details of disk_full");

      JsonNode euView = api.get("/api/v1/devices/cam-eu").json();
      assertThat(euView.get("labels").get("region").asText()).isEqualTo("eu");
      assertThat(euView.get("online").asBoolean()).isTrue();
      assertThat(euView.get("agentVersion").asText()).isEqualTo("0.1.0");
      assertThat(euView.get("models").get(0).get("activeVersion").asInt()).isEqualTo(1);
      assertThat(euView.get("models").get(0).get("state").asText()).isEqualTo("active");
      assertThat(euView.get("desired").get("revision").asLong()).isEqualTo(euDesired.revision());
      JsonNode usModel = api.get("/api/v1/devices/cam-us").json().get("models").get(0);
      assertThat(usModel.get("state").asText()).isEqualTo("failed");
      assertThat(usModel.get("reason").asText()).isEqualTo("disk_full");
      assertThat(api.get("/api/v1/devices/cam-jetson").json().get("desired").get("revision").asLong()).isZero();
      assertThat(api.get("/api/v1/devices/nobody").status()).isEqualTo(404);
      assertThat(api.get("/api/v1/rollouts").json().get("rollouts").get(0).get("id").asLong()).isEqualTo(id);

      // Finished, but still the version two devices must run: deleting it would strand them.
      assertThat(api.delete("/api/v1/models/detector/versions/1").json().get("message").asText())
          .contains("desired version of 2 device(s)");

      // The next rollout of the model takes every device over; then v1 is free to go.
      Path bundle2 = TestBundles.write(dir.resolve("b2"), packager, "detector", 2, 70_000);
      assertThat(api.upload(bundle2).status()).isEqualTo(201);
      JsonNode second = api.postJson("/api/v1/rollouts", "{\"model\":\"detector\",\"version\":2}").json();
      assertThat(second.get("counts").get("total").asInt()).isEqualTo(3);
      DesiredState next = eu.awaitDesired(serverTrust, euDesired.revision() + 1, LONG);
      assertThat(next.models().get(0).version()).isEqualTo(2);
      assertThat(jetson.awaitDesired(serverTrust, 1, LONG).models().get(0).version()).isEqualTo(2);
      assertThat(api.delete("/api/v1/models/detector/versions/1").status()).isEqualTo(204);
    }
  }

  @Test
  void anOverlappingRolloutIsRefusedUntilTheActiveOneIsAbortedWhichPutsTheDeviceBack() throws Exception {
    try (FakeDevice d = device("edge-1", Map.of("hw", "rpi4"))) {
      await().atMost(LONG).until(() -> api.get("/api/v1/devices/edge-1").status() == 200);
      assertThat(api.upload(TestBundles.write(dir.resolve("s1"), packager, "seg", 1, 5000)).status()).isEqualTo(201);
      assertThat(api.upload(TestBundles.write(dir.resolve("s2"), packager, "seg", 2, 5000)).status()).isEqualTo(201);
      long first = api.postJson("/api/v1/rollouts", "{\"model\":\"seg\",\"version\":2}").json().get("id").asLong();
      assertThat(d.awaitDesired(serverTrust, 1, LONG).models().get(0).version()).isEqualTo(2);

      JsonNode refused = assertError(api.postJson("/api/v1/rollouts", "{\"model\":\"seg\",\"version\":1,\"selector\":\"hw\"}"),
          409, "rollout_overlaps");
      assertThat(refused.get("message").asText()).contains("rollout " + first, "edge-1", "/abort");
      assertError(api.postJson("/api/v1/rollouts/" + first + "/abort", "{}"), 400, "reason_required");
      assertError(api.postJson("/api/v1/rollouts/" + first + "/resume", "{\"reason\":\"x\"}"), 409, "action_not_allowed");
      assertError(api.postJson("/api/v1/rollouts/" + first + "/explode", "{\"reason\":\"x\"}"), 404, "unknown_action");

      JsonNode aborted = api.postJson("/api/v1/rollouts/" + first + "/abort", "{\"reason\":\"wrong build\"}").json();
      assertThat(aborted.get("status").asText()).isEqualTo("ABORTED");
      assertThat(target(aborted, "edge-1").get("state").asText()).isEqualTo("rolled_back");
      JsonNode last = aborted.get("history").get(aborted.get("history").size() - 1);
      assertThat(last.get("event").asText()).isEqualTo("aborted");
      assertThat(last.get("reason").asText()).contains("abort by hand: wrong build", "1 devices put back");
      assertThat(d.awaitDesired(serverTrust, 2, LONG).models()).as("it had no assignment before").isEmpty();

      long rollback = api.postJson("/api/v1/rollouts", "{\"model\":\"seg\",\"version\":1}").json().get("id").asLong();
      DesiredState s = d.awaitDesired(serverTrust, 3, LONG);
      assertThat(s.models().get(0).version()).isEqualTo(1);
      assertThat(s.models().get(0).allowRollback()).as("v1 after v2 is a rollback").isTrue();
      d.report(Map.of("hw", "rpi4"), s.revision(), List.of(FakeDevice.active("seg", 1)));
      await().atMost(LONG).until(() -> api.get("/api/v1/rollouts/" + rollback).json().get("status").asText().equals("FINISHED"));
      assertThat(api.get("/api/v1/rollouts?status=aborted&model=seg").json().get("rollouts")).extracting(r -> r.get("id").asLong())
          .containsExactly(first);
      assertError(api.get("/api/v1/rollouts?status=nonsense"), 400, "bad_status");
    }
  }

  @Test
  void badRolloutRequestsSayWhatIsWrong() throws Exception {
    try (FakeDevice d = device("only-one", Map.of("hw", "rpi4"))) {
      await().atMost(LONG).until(() -> api.get("/api/v1/devices/only-one").status() == 200);
      assertThat(api.upload(TestBundles.write(dir.resolve("m"), packager, "m", 1, 1000)).status()).isEqualTo(201);

      assertError(api.postJson("/api/v1/rollouts", "{\"model\":\"m\",\"version\":9}"), 404, "version_not_found");
      assertError(api.postJson("/api/v1/rollouts", "{\"model\":\"m\",\"version\":1,\"selector\":\"hw=\"}"), 400, "bad_selector");
      assertError(api.postJson("/api/v1/rollouts", "{\"model\":\"m\",\"version\":1,\"selector\":\"hw in (x\"}"), 400, "bad_selector");
      assertError(api.postJson("/api/v1/rollouts", "{\"model\":\"m\",\"version\":1,\"selector\":\"hw\",\"cohort\":\"c\"}"), 400,
          "bad_request");
      assertError(api.postJson("/api/v1/rollouts", "{\"model\":\"m\",\"version\":1,\"cohort\":\"nope\"}"), 404,
          "cohort_not_found");
      assertError(api.postJson("/api/v1/rollouts", "{\"model\":\"m\",\"version\":1,\"selector\":\"hw=jetson\"}"), 422,
          "no_matching_devices");
      assertError(api.postJson("/api/v1/rollouts", "{\"model\":\"m\",\"version\":1,\"strategy\":\"teleport\"}"), 400,
          "unsupported_strategy");
      assertError(api.postJson("/api/v1/rollouts", "{\"model\":\"m\",\"version\":1,\"strategy\":{\"kind\":\"canary\","
          + "\"stages\":[{\"percent\":50},{\"percent\":10}]}}"), 400, "bad_stages");
      assertError(api.postJson("/api/v1/rollouts", "{\"model\":"), 400, "bad_request");
      assertError(api.postJson("/api/v1/rollouts", "{\"version\":1}"), 400, "bad_request");
      assertError(api.get("/api/v1/rollouts/42"), 404, "rollout_not_found");
      assertError(api.get("/api/v1/rollouts/abc"), 400, "bad_id");
    }
  }

  private FakeDevice device(String id, Map<String, String> labels) throws Exception {
    FakeDevice d = new FakeDevice(server.mqttUrl(), id, server.topics());
    d.report(labels, 0, List.of());
    return d;
  }

  private void awaitTarget(long rollout, String device, String state) {
    await().atMost(LONG).until(() -> target(api.get("/api/v1/rollouts/" + rollout).json(), device).get("state").asText().equals(state));
  }

  private static JsonNode target(JsonNode rollout, String device) {
    for (JsonNode t : rollout.get("targets")) {
      if (t.get("deviceId").asText().equals(device)) {
        return t;
      }
    }
    throw new AssertionError("no target " + device);
  }

  private static JsonNode assertError(Api.Response r, int status, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.error()).as(r.body()).isEqualTo(code);
    return r.json();
  }
}
