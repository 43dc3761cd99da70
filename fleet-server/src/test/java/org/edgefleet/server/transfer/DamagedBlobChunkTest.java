package org.edgefleet.server.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

/**
 * Frames carry the chunk plan's hash, so the server hashes a chunk once, on its first read, not
 * per send: a chunk damaged on the server's disk before that read is never sent as valid, and
 * serves again once the blob is restored.
 */
class DamagedBlobChunkTest {

  private static final Duration LONG = Duration.ofSeconds(60);
  private static final int CHUNK = 4096;

  @TempDir Path dir;
  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  private FleetServer server;
  private Api api;

  @BeforeEach
  void start() throws Exception {
    Path trusted = TestServers.trustedKey(dir, packager);
    server = FleetServer.start(TestServers.config(dir.resolve("data")).trustedPackagerKeys(List.of(trusted))
        .chunkSize(CHUNK).build());
    api = Api.admin(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aChunkDamagedOnDiskIsNotSentAndServesAgainOnceRestored() throws Exception {
    Path bundle = TestBundles.write(dir.resolve("b"), packager, "damaged", 1, 30_000);
    byte[] expected = Files.readAllBytes(bundle);
    try (FakeDevice device = new FakeDevice(server.mqttUrl(), "dev-0", server.topics())) {
      device.report(Map.of("hw", "rpi4"), 0, List.of());
      await().atMost(LONG).until(() -> api.get("/api/v1/devices").json().get("devices").size() == 1);
      assertThat(api.upload(bundle).status()).isEqualTo(201);
      assertThat(api.postJson("/api/v1/rollouts", "{\"model\":\"damaged\",\"version\":1}").status()).isEqualTo(201);
      DesiredState desired = device.awaitDesired(TrustStore.of(server.serverKey()), 1, LONG);
      BundleRef ref = desired.models().get(0).bundle();
      Path blob = dir.resolve("data/blobs/sha256").resolve(ref.digest().substring(0, 2)).resolve(ref.digest());
      byte[] original = overwrite(blob, 2L * CHUNK + 100, new byte[16]);

      device.request(ref.digest(), List.of(0, 1, 2, 3));
      await().atMost(LONG).until(() -> device.chunksReceived(ref.digest()) == 3
          && TestServers.metric(api.get("/metrics").body(), "fleet_transfer_requests_dropped_total", null) >= 1.0);
      assertThat(device.chunkFrames()).as("the damaged chunk is not sent").isEqualTo(3);

      overwrite(blob, 2L * CHUNK + 100, original);
      assertThat(device.fetch(ref, 64, LONG)).isEqualTo(expected);
    }
  }

  /** Writes {@code bytes} into {@code file} at {@code position}; returns what was there. */
  private static byte[] overwrite(Path file, long position, byte[] bytes) throws Exception {
    byte[] before = new byte[bytes.length];
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(position);
      f.readFully(before);
      f.seek(position);
      f.write(bytes);
    }
    return before;
  }
}
