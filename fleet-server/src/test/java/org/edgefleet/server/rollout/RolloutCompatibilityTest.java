package org.edgefleet.server.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.bundle.BundleWriter;
import org.edgefleet.protocol.bundle.FileEntry;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ReportedState.Capabilities;
import org.edgefleet.protocol.mqtt.TopicKind;
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
 * Before a rollout the server checks every target's reported capabilities against the bundle's
 * runtime requirements: by default it refuses the whole rollout and lists who cannot run it; with
 * "skip" it rolls out to the others and records the rest, and checks a skipped device again when
 * it reports new capabilities.
 */
class RolloutCompatibilityTest {

  private static final Duration LONG = Duration.ofSeconds(30);
  private static final Capabilities X86 = new Capabilities("linux-x86_64", List.of("onnx"), null, null);

  @TempDir Path dir;
  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  private final Map<String, FakeDevice> devices = new HashMap<>();
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
    devices.values().forEach(FakeDevice::close);
    server.close();
  }

  @Test
  void incompatibleTargetsRefuseTheRolloutOrAreSkippedAndNeverGetTheBundle() throws Exception {
    device("ok", "0.2.0", X86);
    device("old-agent", "0.1.0", X86);
    device("armv7", "0.2.0", new Capabilities("linux-armv7", List.of("onnx"), null, null));
    device("no-capabilities", "0.1.5", null);
    FakeDevice silent = new FakeDevice(server.mqttUrl(), "silent", server.topics());
    devices.put("silent", silent);
    silent.publish(TopicKind.STATUS, MessageCodec.encode(DeviceStatus.of(DeviceStatus.State.ONLINE)));
    await().atMost(LONG).until(() -> api.get("/api/v1/devices").json().get("devices").size() == 5);
    upload("det", 1, ModelFormat.ONNX, List.of("linux-x86_64", "linux-aarch64"), "0.2.0");

    Api.Response refused = api.postJson("/api/v1/rollouts", "{\"model\":\"det\",\"version\":1}");
    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    assertThat(refused.error()).isEqualTo("incompatible_devices");
    assertThat(refused.json().get("message").asText()).contains("4 of 5 target devices cannot run det v1", "\"skip\"");
    JsonNode details = refused.json().get("details");
    assertThat(details.get("compatible").asInt()).isEqualTo(1);
    assertThat(reasons(details.get("incompatible"))).containsExactlyInAnyOrderEntriesOf(Map.of(
        "old-agent", "agent 0.1.0 < required 0.2.0",
        "armv7", "arch linux-armv7 not in [linux-x86_64, linux-aarch64]",
        "no-capabilities", "capabilities unknown: agent 0.1.5 does not report them (upgrade the agent to 0.2.0 or later); "
            + "agent 0.1.5 < required 0.2.0",
        "silent", "capabilities unknown: device never reported"));
    assertThat(api.get("/api/v1/rollouts").json().get("rollouts")).isEmpty();

    Api.Response created = api.postJson("/api/v1/rollouts", "{\"model\":\"det\",\"version\":1,\"incompatible\":\"skip\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    long id = created.json().get("id").asLong();
    assertThat(created.json().get("counts").get("pending").asInt()).isEqualTo(1);
    assertThat(created.json().get("counts").get("skipped").asInt()).isEqualTo(4);
    JsonNode shown = api.get("/api/v1/rollouts/" + id).json();
    assertThat(target(shown, "ok").get("state").asText()).isEqualTo("pending");
    assertThat(target(shown, "armv7").get("state").asText()).isEqualTo("skipped");
    assertThat(target(shown, "armv7").get("reason").asText()).isEqualTo("arch_unsupported");
    assertThat(target(shown, "old-agent").get("reason").asText()).isEqualTo("agent_too_old");
    assertThat(target(shown, "silent").get("reason").asText()).isEqualTo("capabilities_unknown");
    assertThat(target(shown, "silent").get("details").asText()).isEqualTo("capabilities unknown: device never reported");

    DesiredState okDesired = devices.get("ok").awaitDesired(serverTrust, 1, LONG);
    assertThat(okDesired.models()).extracting(m -> m.name() + "@" + m.version()).containsExactly("det@1");
    // The compatible device's desired state went out; the skipped ones were never published to.
    for (String skipped : List.of("old-agent", "armv7", "no-capabilities", "silent")) {
      assertThat(api.get("/api/v1/devices/" + skipped).json().get("desired").get("revision").asLong()).as(skipped).isZero();
      assertThat(devices.get(skipped).desiredWaiting()).as(skipped).isZero();
    }

    // An agent upgrade is evaluated on the device's next report: it becomes a target and gets the bundle.
    devices.get("ok").report(Map.of("hw", "x"), okDesired.revision(), List.of(FakeDevice.active("det", 1)));
    await().atMost(LONG).until(() -> "FINISHED".equals(api.get("/api/v1/rollouts/" + id).json().get("status").asText()));
    devices.get("old-agent").reportAs("0.2.0", X86).report(Map.of("hw", "x"), 0, List.of());
    DesiredState upgraded = devices.get("old-agent").awaitDesired(serverTrust, 1, LONG);
    assertThat(upgraded.models()).extracting(m -> m.name() + "@" + m.version()).containsExactly("det@1");
    JsonNode reopened = api.get("/api/v1/rollouts/" + id).json();
    assertThat(reopened.get("status").asText()).isEqualTo("RUNNING");
    assertThat(target(reopened, "old-agent").get("state").asText()).isEqualTo("pending");
    assertThat(reopened.get("counts").get("skipped").asInt()).isEqualTo(3);

    // A report that still does not fit keeps the device skipped, with the reason it has now.
    devices.get("no-capabilities").reportAs("0.2.0", new Capabilities("linux-x86_64", List.of(), null, null))
        .report(Map.of("hw", "x"), 0, List.of());
    await().atMost(LONG).until(() -> target(api.get("/api/v1/rollouts/" + id).json(), "no-capabilities")
        .get("reason").asText().equals("format_unsupported"));
    assertThat(api.get("/api/v1/devices/no-capabilities").json().get("desired").get("revision").asLong()).isZero();
    assertThat(devices.get("no-capabilities").desiredWaiting()).isZero();

    JsonNode view = api.get("/api/v1/devices/armv7").json();
    assertThat(view.get("capabilities").get("arch").asText()).isEqualTo("linux-armv7");
    assertThat(view.get("capabilities").get("formats").get(0).asText()).isEqualTo("onnx");
  }

  @Test
  void aFormatTheAgentHasNoEngineForIsRefused() throws Exception {
    device("ok", "0.2.0", X86);
    await().atMost(LONG).until(() -> api.get("/api/v1/devices").json().get("devices").size() == 1);
    upload("lite", 1, ModelFormat.TFLITE, List.of(), null);
    Api.Response refused = api.postJson("/api/v1/rollouts", "{\"model\":\"lite\",\"version\":1}");
    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    assertThat(reasons(refused.json().get("details").get("incompatible")))
        .containsExactly(Map.entry("ok", "format tflite not supported (agent has: onnx)"));
    Api.Response bad = api.postJson("/api/v1/rollouts", "{\"model\":\"lite\",\"version\":1,\"incompatible\":\"ignore\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error()).isEqualTo("bad_incompatible");
  }

  private void device(String id, String agentVersion, Capabilities capabilities) throws Exception {
    FakeDevice d = new FakeDevice(server.mqttUrl(), id, server.topics()).reportAs(agentVersion, capabilities);
    devices.put(id, d);
    d.report(Map.of("hw", "x"), 0, List.of());
  }

  private void upload(String name, int version, ModelFormat format, List<String> architectures, String minAgent)
      throws Exception {
    Path model = Files.write(dir.resolve(name + ".model"), TestBundles.modelBytes(name, version, 2_000));
    FileEntry entry = BundleWriter.entryFor("model.bin", model);
    Instant now = Instant.now();
    Manifest base = TestBundles.manifest(packager, name, version, List.of(entry), now.minusSeconds(60), now.plusSeconds(86_400));
    Manifest m = new Manifest(base.schema(), name, version, format, "model.bin",
        new Manifest.RuntimeRequirements(minAgent, architectures, null), base.inputs(), base.outputs(), null, List.of(),
        List.of(), base.files(), base.createdAt(), base.expiresAt(), base.keyId(), "compatibility test");
    Path bundle = dir.resolve(name + "-" + version + ".bundle");
    BundleWriter.write(m, Map.of("model.bin", model), packager, bundle);
    Api.Response r = api.upload(bundle);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  private static Map<String, String> reasons(JsonNode incompatible) {
    Map<String, String> out = new HashMap<>();
    incompatible.forEach(d -> out.put(d.get("deviceId").asText(), d.get("details").asText()));
    return out;
  }

  private static JsonNode target(JsonNode rollout, String device) {
    for (JsonNode t : rollout.get("targets")) {
      if (t.get("deviceId").asText().equals(device)) {
        return t;
      }
    }
    throw new AssertionError("no target " + device + " in " + rollout);
  }
}
