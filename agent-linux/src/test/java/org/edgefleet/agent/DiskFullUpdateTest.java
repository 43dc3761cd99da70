package org.edgefleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.edgefleet.agent.testkit.SmallDisk;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.agent.testkit.WrittenChunks;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent whose data dir is a real 4 MB tmpfs (root only; skipped otherwise) that fills up: the
 * failure reaches the server with DISK_FULL, the partial download is deleted, the revision is not
 * applied, and once space is freed the agent retries by itself and ends active, with every event
 * and telemetry batch it numbered received by the server.
 */
class DiskFullUpdateTest {

  static final String MODEL = "vibration";
  static final String DEVICE = "dev-disk";
  static final Duration WAIT = Duration.ofSeconds(45);

  @TempDir Path dir;
  TestBroker broker;
  TestServer server;
  TestBundles bundles;
  SmallDisk disk;

  @BeforeEach
  void setUp() throws Exception {
    disk = SmallDisk.mount(dir.resolve("disk"), "4m");
    broker = TestBroker.start();
    server = new TestServer(broker.url(), TestAgents.SERVER);
    bundles = new TestBundles(dir.resolve("bundles"), TestAgents.PACKAGER);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (server != null) {
      server.close();
    }
    if (broker != null) {
      broker.close();
    }
    if (disk != null) {
      disk.close();
    }
  }

  @Test
  void diskFullMidDownloadIsReportedThenRetriedUntilActiveWithNothingLost() throws Exception {
    BundleRef ref = server.serve(bundles.spec(MODEL, 1).padding(300_000).write(), TestAgents.CHUNK_SIZE);
    int firstPart = 50;
    server.gate(index -> index < firstPart);
    try (EdgeAgent agent = agent()) {
      agent.start();
      server.publishDesired(DEVICE, 1, TestServer.assignment(MODEL, 1, ref, false));
      await().atMost(WAIT).until(() -> storedChunks() >= firstPart);

      disk.fill(0);
      server.gate(index -> true); // the held-back chunks come when asked again, and find no room
      DeviceEvent failure = await().atMost(WAIT).until(() -> serverFailure(), Optional::isPresent).get();
      assertThat(failure.reason()).isEqualTo("DISK_FULL");
      assertThat(failure.execution()).isEqualTo(Execution.DOWNLOAD);
      assertThat(failure.details()).contains("partial download deleted").contains("retried in");
      assertThat(storedChunks()).isZero();
      await().atMost(WAIT).until(() -> server.reported(DEVICE).map(r -> r.lastError() != null
          && r.lastError().contains("DISK_FULL") && r.appliedRevision() == 0).orElse(false));

      long freedAt = System.nanoTime();
      disk.free();
      await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 1);
      long toActiveMs = (System.nanoTime() - freedAt) / 1_000_000;
      System.out.println("figure: space freed to active " + toActiveMs + " ms");
      assertThat(agent.stats().outboxDropped()).isZero();
      await().atMost(WAIT).until(() -> server.reported(DEVICE).map(r -> r.appliedRevision() == 1).orElse(false));
      assertEverythingNumberedArrived(agent);
    }
  }

  @Test
  void restartOnAFullDiskFailsEarlyAndRetriesAfterTheRestart() throws Exception {
    BundleRef ref = server.serve(bundles.spec(MODEL, 1).padding(300_000).write(), TestAgents.CHUNK_SIZE);
    disk.fill(600_000); // less than three times the bundle: refused before a chunk is asked for
    try (EdgeAgent agent = agent()) {
      agent.start();
      server.publishDesired(DEVICE, 1, TestServer.assignment(MODEL, 1, ref, false));
      DeviceEvent failure = await().atMost(WAIT).until(() -> serverFailure(), Optional::isPresent).get();
      assertThat(failure.reason()).isEqualTo("DISK_FULL");
      assertThat(failure.details()).contains("needs about").contains("usable");
      assertThat(server.requests()).isEmpty();
    }
    int failuresBefore = failures().size();
    try (EdgeAgent restarted = agent()) {
      restarted.start();
      await().atMost(WAIT).until(() -> failures().size() > failuresBefore); // the retained state, tried again
      disk.free();
      await().atMost(WAIT).until(() -> restarted.activeVersion(MODEL).orElse(0) == 1);
      assertEverythingNumberedArrived(restarted);
    }
  }

  /** Events and telemetry: every sequence number from 1 to the last one the agent gave arrived. */
  private void assertEverythingNumberedArrived(EdgeAgent agent) {
    await().atMost(WAIT).until(() -> agent.stats().outboxSize() == 0);
    List<Long> events = server.events(DEVICE).stream().map(DeviceEvent::seq).distinct().sorted().toList();
    List<Long> telemetry = server.telemetry(DEVICE).stream().map(TelemetryBatch::seq).distinct().sorted().toList();
    assertThat(events).containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
    assertThat(telemetry).containsExactlyElementsOf(LongStream.rangeClosed(1, telemetry.size()).boxed().toList());
    assertThat(server.events(DEVICE)).anyMatch(e -> e.execution() == Execution.ACTIVATE && e.result() == Result.SUCCESS);
    System.out.println("figure: server received events=" + events.size() + " telemetry=" + telemetry.size()
        + " dropped=" + agent.stats().outboxDropped());
  }

  private EdgeAgent agent() {
    return TestAgents.builder(DEVICE, disk.dir().resolve("agent"), broker.url())
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(800)).build();
  }

  private List<DeviceEvent> failures() {
    return server.events(DEVICE).stream().filter(e -> e.result() == Result.FAILURE).toList();
  }

  private Optional<DeviceEvent> serverFailure() {
    return failures().stream().findFirst();
  }

  private long storedChunks() throws IOException {
    return WrittenChunks.in(disk.dir().resolve("agent"));
  }

}
