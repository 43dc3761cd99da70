package org.edgefleet.server.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DesiredState;
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

/** Chunks flow within the configured bounds, whatever the devices ask for at once. */
class TransferBackpressureTest {

  private static final Duration LONG = Duration.ofSeconds(60);
  private static final int TOTAL = 3;
  private static final int PER_DEVICE = 2;
  private static final int QUEUE = 64;

  @TempDir Path dir;
  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  private FleetServer server;
  private Api api;

  @BeforeEach
  void start() throws Exception {
    Path trusted = TestServers.trustedKey(dir, packager);
    server = FleetServer.start(TestServers.config(dir.resolve("data")).trustedPackagerKeys(List.of(trusted))
        .chunkSize(4096).chunksInFlight(TOTAL, PER_DEVICE).chunkQueuePerDevice(QUEUE).build());
    api = Api.admin(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void manyDevicesAskingForEverythingNeverExceedTheInFlightBounds() throws Exception {
    Path bundle = TestBundles.write(dir.resolve("b"), packager, "big", 1, 300_000);
    byte[] expected = Files.readAllBytes(bundle);
    List<FakeDevice> devices = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        FakeDevice d = new FakeDevice(server.mqttUrl(), "dev-" + i, server.topics());
        d.report(Map.of("hw", "rpi4"), 0, List.of());
        devices.add(d);
      }
      await().atMost(LONG).until(() -> api.get("/api/v1/devices").json().get("devices").size() == 4);
      assertThat(api.upload(bundle).status()).isEqualTo(201);
      assertThat(api.postJson("/api/v1/rollouts", "{\"model\":\"big\",\"version\":1}").status()).isEqualTo(201);
      DesiredState desired = devices.get(0).awaitDesired(TrustStore.of(server.serverKey()), 1, LONG);
      BundleRef ref = desired.models().get(0).bundle();
      assertThat(ref.chunkCount()).isGreaterThan(QUEUE + 5);

      // Every device asks for a full queue at once, then for more than the queue holds.
      List<Integer> first = IntStream.range(0, QUEUE).boxed().toList();
      List<Integer> rest = IntStream.range(QUEUE, ref.chunkCount()).boxed().toList();
      for (FakeDevice d : devices) {
        d.request(ref.digest(), first);
        d.request(ref.digest(), rest);
      }
      for (FakeDevice d : devices) {
        assertThat(d.fetch(ref, 64, LONG)).isEqualTo(expected);
      }

      assertThat(server.transfer().peakInFlight()).isBetween(1, TOTAL);
      assertThat(server.transfer().peakInFlightPerDevice()).isBetween(1, PER_DEVICE);
      await().atMost(LONG).until(() -> server.transfer().inFlight() == 0 && server.transfer().queued() == 0);
      String metrics = api.get("/metrics").body();
      assertThat(TestServers.metric(metrics, "fleet_transfer_chunks_in_flight_peak", null)).isLessThanOrEqualTo(TOTAL);
      assertThat(TestServers.metric(metrics, "fleet_transfer_requests_dropped_total", null)).isPositive();
      assertThat(TestServers.metric(metrics, "fleet_transfer_chunks_sent_total", null))
          .isGreaterThanOrEqualTo(4.0 * ref.chunkCount());
      assertThat(TestServers.metric(metrics, "fleet_transfer_bytes_sent_total", null)).isGreaterThan(4.0 * ref.size());

      // A bundle the server does not hold is counted and ignored.
      devices.get(0).request("ab".repeat(32), List.of(0));
      await().atMost(LONG).until(() ->
          TestServers.metric(api.get("/metrics").body(), "fleet_device_messages_rejected_total", "unknown_digest") == 1.0);
    } finally {
      devices.forEach(FakeDevice::close);
    }
  }
}
