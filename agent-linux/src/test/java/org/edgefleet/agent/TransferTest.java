package org.edgefleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunked transfer under faults: a broker restart mid-way and chunks corrupted on the way. */
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

  private long storedChunks() throws IOException {
    return WrittenChunks.in(dir.resolve("agent"));
  }

}
