package org.edgefleet.server.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.FakeDevice;
import org.edgefleet.server.support.TestBundles;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle broadcast on the embedded broker, with devices speaking the protocol by hand: who may
 * subscribe to a bundle topic, when a pass starts, and that it sends each chunk once.
 */
class BundleBroadcastTest {

  private static final Duration LONG = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  private final List<FakeDevice> devices = new ArrayList<>();
  private FleetServer server;
  private Api api;
  private Path bundle;

  private void start(UnaryOperator<ServerConfig.Builder> more) throws Exception {
    Path trusted = TestServers.trustedKey(dir, packager);
    server = FleetServer.start(more.apply(TestServers.config(dir.resolve("data")).trustedPackagerKeys(List.of(trusted))
        .chunkSize(4096).set(Settings.BROADCAST_MIN_DEVICES, 3).set(Settings.BROADCAST_GATHER, Duration.ofMillis(500))
        .set(Settings.BROADCAST_CHUNKS_PER_SECOND, 200)).build());
    api = Api.admin(server);
  }

  @AfterEach
  void stop() {
    devices.forEach(FakeDevice::close);
    if (server != null) {
      server.close();
    }
  }

  /** Devices with these labels, known to the server. */
  private List<FakeDevice> devices(String hw, String... ids) throws Exception {
    List<FakeDevice> out = new ArrayList<>();
    for (String id : ids) {
      FakeDevice d = new FakeDevice(server.mqttUrl(), id, server.topics());
      devices.add(d);
      out.add(d);
      d.report(Map.of("hw", hw), 0, List.of());
    }
    int known = devices.size();
    await().atMost(LONG).until(() -> api.get("/api/v1/devices").json().get("devices").size() == known);
    return out;
  }

  /** Uploads a bundle, rolls it out to the devices labelled hw=rpi4 and returns its reference as the first device sees it. */
  private BundleRef rollOut(FakeDevice first) throws Exception {
    bundle = TestBundles.write(dir.resolve("b"), packager, "big", 1, 100_000);
    assertThat(api.upload(bundle).status()).isEqualTo(201);
    assertThat(api.postJson("/api/v1/rollouts", "{\"model\":\"big\",\"version\":1,\"selector\":\"hw=rpi4\"}").status())
        .isEqualTo(201);
    return first.awaitDesired(TrustStore.of(server.serverKey()), 1, LONG).models().get(0).bundle();
  }

  @Test
  void onlyADeviceWhoseDesiredStateNamesTheBundleMaySubscribeToItsTopic() throws Exception {
    start(UnaryOperator.identity());
    FakeDevice alice = devices("rpi4", "alice").get(0);
    FakeDevice bob = devices("jetson", "bob").get(0);
    BundleRef ref = rollOut(alice);

    alice.subscribeBroadcast(ref.digest());
    assertThatThrownBy(() -> bob.subscribeBroadcast(ref.digest())).as("bob's desired state does not name it")
        .isInstanceOf(MqttException.class);
    try (FakeDevice alice2 = new FakeDevice(server.mqttUrl(), "alice-2", server.topics())) {
      assertThatThrownBy(() -> alice2.subscribeBroadcast(ref.digest())).as("a device with no desired state")
          .isInstanceOf(MqttException.class);
    }
    assertThatThrownBy(() -> alice.subscribeBroadcast("cd".repeat(32))).as("a digest alice's state does not name")
        .isInstanceOf(MqttException.class);
    for (String filter : List.of("fleet/b/+/chunk", "fleet/b/#", "fleet/#")) {
      assertThatThrownBy(() -> alice.client().subscribe(filter, 1)).as(filter).isInstanceOf(MqttException.class);
    }
  }

  @Test
  void listeningDevicesGetEveryChunkOnceFromOnePass() throws Exception {
    start(UnaryOperator.identity());
    List<FakeDevice> fleet = devices("rpi4", "d-0", "d-1", "d-2");
    BundleRef ref = rollOut(fleet.get(0));
    assertThat(ref.chunkCount()).isGreaterThan(20);
    List<Integer> firstWindow = IntStream.range(0, 8).boxed().toList();
    for (FakeDevice d : fleet) {
      if (d != fleet.get(0)) { // the first one's state came with the rollout
        d.awaitDesired(TrustStore.of(server.serverKey()), 1, LONG);
      }
      d.subscribeBroadcast(ref.digest());
      d.requestListening(ref.digest(), firstWindow);
    }
    for (FakeDevice d : fleet) {
      await().atMost(LONG).until(() -> d.chunksReceived(ref.digest()) == ref.chunkCount());
    }
    await().atMost(LONG).until(() -> metric("fleet_transfer_broadcast_running", null) == 0);
    assertThat(metric("fleet_transfer_broadcast_passes_total", "broadcast")).isEqualTo(1);
    assertThat(metric("fleet_transfer_broadcast_chunks_total", "broadcast")).isEqualTo(ref.chunkCount());
    assertThat(metric("fleet_transfer_chunks_sent_total", null)).as("the listening requests were left to the pass").isZero();
    for (FakeDevice d : fleet) {
      assertThat(d.chunkFrames()).as("each chunk arrived once").isEqualTo(ref.chunkCount());
    }

    // After the pass, a request that is not listening is a repair: served per device.
    fleet.get(1).forget(ref.digest(), List.of(3, 4));
    fleet.get(1).request(ref.digest(), List.of(3, 4));
    await().atMost(LONG).until(() -> fleet.get(1).chunksReceived(ref.digest()) == ref.chunkCount());
    assertThat(metric("fleet_transfer_chunks_sent_total", null)).isEqualTo(2);
  }

  @Test
  void tooFewListeningDevicesAreServedPerDeviceAfterTheGatherWindow() throws Exception {
    start(UnaryOperator.identity());
    List<FakeDevice> fleet = devices("rpi4", "d-0", "d-1", "d-2");
    BundleRef ref = rollOut(fleet.get(0));
    FakeDevice lone = fleet.get(0);
    lone.subscribeBroadcast(ref.digest());
    List<Integer> all = IntStream.range(0, Math.min(64, ref.chunkCount())).boxed().toList();
    lone.requestListening(ref.digest(), all);
    Thread.sleep(300); // within the window: held for a pass that may come
    assertThat(lone.chunkFrames()).isZero();
    await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> {
      lone.requestListening(ref.digest(), all); // as the agent asks again after its chunk timeout
      return lone.chunksReceived(ref.digest()) == all.size();
    });
    assertThat(metric("fleet_transfer_broadcast_passes_total", "broadcast")).isZero();
  }

  /**
   * A device that comes back after a pass (its link was lost, or it was killed) and listens alone:
   * it asks again only after its chunk timeout, longer than the window is remembered, so each ask
   * used to open a new window that held it, and it never got a chunk. The window answers what it held.
   */
  @Test
  void aListeningRequestHeldByAWindowThatEndsWithoutAPassIsServedWithoutBeingAskedAgain() throws Exception {
    start(UnaryOperator.identity());
    List<FakeDevice> fleet = devices("rpi4", "d-0", "d-1", "d-2");
    BundleRef ref = rollOut(fleet.get(0));
    FakeDevice back = fleet.get(0);
    back.subscribeBroadcast(ref.digest());
    List<Integer> missing = IntStream.range(0, Math.min(64, ref.chunkCount())).boxed().toList();
    back.requestListening(ref.digest(), missing);
    await().atMost(LONG).until(() -> back.chunksReceived(ref.digest()) == missing.size());
    assertThat(metric("fleet_transfer_broadcast_passes_total", "broadcast")).isZero();
    assertThat(back.chunkFrames()).as("each held chunk served once").isEqualTo(missing.size());
  }

  @Test
  void withBroadcastOffNoDeviceMaySubscribeAndListeningRequestsAreServedPerDevice() throws Exception {
    start(c -> c.set(Settings.BUNDLE_BROADCAST, false));
    List<FakeDevice> fleet = devices("rpi4", "d-0", "d-1", "d-2");
    BundleRef ref = rollOut(fleet.get(0));
    assertThatThrownBy(() -> fleet.get(0).subscribeBroadcast(ref.digest())).isInstanceOf(MqttException.class);
    byte[] expected = Files.readAllBytes(bundle);
    List<Integer> first = IntStream.range(0, 8).boxed().toList();
    for (FakeDevice d : fleet) {
      d.requestListening(ref.digest(), first);
    }
    for (FakeDevice d : fleet) {
      await().atMost(LONG).until(() -> d.chunksReceived(ref.digest()) == first.size());
      assertThat(d.fetch(ref, 64, LONG)).isEqualTo(expected);
    }
    assertThat(metric("fleet_transfer_broadcast_chunks_total", "broadcast")).isZero();
  }

  private double metric(String name, String label) throws Exception {
    return TestServers.metric(api.get("/metrics").body(), name, label);
  }
}
