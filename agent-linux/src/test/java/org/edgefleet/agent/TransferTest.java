package org.edgefleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.agent.testkit.WrittenChunks;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DeviceEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunked transfer under faults: a broker restart mid-way, chunks corrupted on the way or on the device's disk. */
class TransferTest {

  static final String MODEL = "vibration";
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  TestBroker broker;
  TestServer server;
  TestBundles bundles;
  EdgeAgent agent;

  @BeforeEach
  void setUp() throws Exception {
    broker = TestBroker.start();
    server = new TestServer(broker.url(), TestAgents.SERVER);
    bundles = new TestBundles(dir.resolve("bundles"), TestAgents.PACKAGER);
    agent = TestAgents.builder("dev-t", dir.resolve("agent"), broker.url()).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    agent.close();
    server.close();
    broker.close();
  }

  @Test
  void brokerRestartMidTransferRequestsOnlyTheMissingChunks() throws Exception {
    BundleRef ref = server.serve(bundles.spec(MODEL, 1).padding(40_000).write(), TestAgents.CHUNK_SIZE);
    assertThat(ref.chunkCount()).isGreaterThan(30);
    int firstPart = 16;
    server.gate(index -> index < firstPart);
    agent.start();
    server.publishDesired("dev-t", 1, TestServer.assignment(MODEL, 1, ref, false));
    await().atMost(WAIT).until(() -> storedChunks() == firstPart);

    broker.stop();
    int after = server.nextEpoch();
    server.gate(index -> true);
    broker.restart();

    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 1);
    Set<Integer> askedAgain = server.requests().stream().filter(r -> r.epoch() == after)
        .map(TestServer.Request::index).collect(Collectors.toSet());
    assertThat(askedAgain).isNotEmpty().allMatch(index -> index >= firstPart);
    Set<Integer> askedBefore = server.requests().stream().filter(r -> r.epoch() < after)
        .map(TestServer.Request::index).collect(Collectors.toSet());
    assertThat(askedBefore).containsAll(Stream.iterate(0, i -> i + 1).limit(firstPart).toList());
  }

  @Test
  void corruptChunksAreDroppedCountedAndRequestedAgain() throws Exception {
    BundleRef ref = server.serve(bundles.spec(MODEL, 1).padding(8_000).write(), TestAgents.CHUNK_SIZE);
    server.tamperOnce(2, TestServer.Tamper.WRONG_DATA);
    server.tamperOnce(5, TestServer.Tamper.BROKEN_FRAME);
    agent.start();
    server.publishDesired("dev-t", 1, TestServer.assignment(MODEL, 1, ref, false));

    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 1);
    // The agent hashes a chunk once, against the signed chunk hash, not the frame's own: a frame
    // whose data no longer matches its header is a corrupt chunk like data changed with the header.
    assertThat(agent.stats().corruptChunks()).isEqualTo(2);
    assertThat(agent.stats().rejectedMessages()).isZero();
    assertThat(server.requests().stream().filter(r -> r.index() == 2)).hasSize(2);
    assertThat(server.requests().stream().filter(r -> r.index() == 5)).hasSize(2);
    assertThat(server.requests().stream().filter(r -> r.index() == 7)).hasSize(1);
  }

  @Test
  void agentRestartMidTransferFetchesOnlyWhatItLacks() throws Exception {
    BundleRef ref = server.serve(bundles.spec(MODEL, 1).padding(20_000).write(), TestAgents.CHUNK_SIZE);
    int firstPart = 8;
    server.gate(index -> index < firstPart);
    agent.start();
    server.publishDesired("dev-t", 1, TestServer.assignment(MODEL, 1, ref, false));
    await().atMost(WAIT).until(() -> storedChunks() == firstPart);

    agent.close();
    int after = server.nextEpoch();
    server.gate(index -> true);
    agent = TestAgents.builder("dev-t", dir.resolve("agent"), broker.url()).build();
    agent.start();

    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 1);
    assertThat(server.requests().stream().filter(r -> r.epoch() == after).map(TestServer.Request::index))
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(Stream.iterate(firstPart, i -> i + 1).limit(ref.chunkCount() - firstPart).toList());
  }

  @Test
  void aScratchFileDamagedOnDiskIsMendedByFetchingTheDamagedChunksAgain() throws Exception {
    BundleRef ref = server.serve(bundles.spec(MODEL, 1).padding(20_000).write(), TestAgents.CHUNK_SIZE);
    int last = ref.chunkCount() - 1;
    server.gate(index -> index != last);
    agent.start();
    server.publishDesired("dev-t", 1, TestServer.assignment(MODEL, 1, ref, false));
    await().atMost(WAIT).until(() -> storedChunks() == last);

    // What a power loss leaves: the chunk map counts chunk 2, its data is not what was written.
    agent.close();
    Path scratch = dir.resolve("agent").resolve("downloads").resolve(ref.digest() + ".bundle");
    try (RandomAccessFile f = new RandomAccessFile(scratch.toFile(), "rw")) {
      f.seek(2L * ref.chunkSize() + 7);
      f.write(new byte[32]);
    }
    int after = server.nextEpoch();
    server.gate(index -> true);
    agent = TestAgents.builder("dev-t", dir.resolve("agent"), broker.url()).build();
    agent.start();

    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 1);
    assertThat(server.requests().stream().filter(r -> r.epoch() == after).map(TestServer.Request::index))
        .as("the missing chunk, then the damaged one found at verification").containsOnly(last, 2).contains(2);
    assertThat(server.events("dev-t")).noneMatch(e -> e.result() == DeviceEvent.Result.FAILURE);
    assertThat(server.events("dev-t").stream().filter(e -> e.execution() == DeviceEvent.Execution.DOWNLOAD
        && e.result() == DeviceEvent.Result.STARTED)).as("first start, restart, fetching the damaged chunk").hasSize(3);
  }

  private long storedChunks() throws IOException {
    return WrittenChunks.in(dir.resolve("agent"));
  }

}
