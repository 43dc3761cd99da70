package org.edgefleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.testkit.LinearModel;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.SignedDesiredState;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.transfer.ChunkMessage;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.SigningKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Garbage on the device's topics is refused with a reason and changes nothing. */
class MalformedMessagesTest {

  static final String MODEL = "motor-anomaly";
  static final String DEVICE = "dev-m";
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  TestBroker broker;
  TestServer server;
  TestBundles bundles;
  EdgeAgent agent;
  Topics topics = Topics.defaults();

  @BeforeEach
  void setUp() throws Exception {
    broker = TestBroker.start(6 * 1024 * 1024);
    server = new TestServer(broker.url(), TestAgents.SERVER);
    bundles = new TestBundles(dir.resolve("bundles"), TestAgents.PACKAGER);
    agent = TestAgents.builder(DEVICE, dir.resolve("agent"), broker.url()).build();
    agent.start();
    await().atMost(WAIT).until(agent::isConnected);
  }

  @AfterEach
  void tearDown() throws Exception {
    agent.close();
    server.close();
    broker.close();
  }

  @Test
  void malformedUnsignedAndMisaddressedDesiredStatesAreIgnored() throws Exception {
    String desired = topics.topic(DEVICE, TopicKind.DESIRED);
    BundleRef v1 = server.serve(bundles.spec(MODEL, 1).write(), TestAgents.CHUNK_SIZE);
    DesiredState state = new DesiredState(DEVICE, 1, Instant.now(), List.of(TestServer.assignment(MODEL, 1, v1, false)));
    List<byte[]> hostile = List.of(
        "not json at all".getBytes(StandardCharsets.UTF_8),
        "[1,2,3]".getBytes(StandardCharsets.UTF_8),
        "{\"v\":2,\"keyId\":\"k\",\"payload\":\"{}\",\"signature\":\"AA==\"}".getBytes(StandardCharsets.UTF_8),
        new byte[SignedDesiredState.MAX_BYTES + 1],
        MessageCodec.encode(SignedDesiredState.sign(state, SigningKey.generate(KeyRole.SERVER))),
        signedWithPackagerKeyAsIfServer(state),
        MessageCodec.encode(SignedDesiredState.sign(
            new DesiredState("someone-else", 1, Instant.now(), state.models()), TestAgents.SERVER)));
    for (byte[] payload : hostile) {
      server.publish(desired, payload, false);
    }
    await().atMost(WAIT).until(() -> agent.stats().rejectedMessages() == hostile.size());
    assertThat(agent.activeModels()).isEmpty();
    await().atMost(WAIT).until(() -> server.reported(DEVICE).map(r -> r.lastError() != null
        && r.lastError().startsWith("desired state rejected")).orElse(false));

    server.publishDesired(DEVICE, 1, TestServer.assignment(MODEL, 1, v1, false));
    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 1);
    assertThat(agent.predict(MODEL, Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(0)))).version()).isEqualTo(1);

    BundleRef v2 = server.serve(bundles.spec(MODEL, 2).write(), TestAgents.CHUNK_SIZE);
    server.publish(desired, MessageCodec.encode(SignedDesiredState.sign(
        new DesiredState(DEVICE, 1, Instant.now(), List.of(TestServer.assignment(MODEL, 2, v2, false))), TestAgents.SERVER)), false);
    server.publishDesired(DEVICE, 2, TestServer.assignment(MODEL, 1, v1, false));
    await().atMost(WAIT).until(() -> server.reported(DEVICE).map(r -> r.appliedRevision() == 2).orElse(false));
    assertThat(agent.activeVersion(MODEL)).hasValue(1);
  }

  @Test
  void malformedOversizedAndForeignChunkFramesAreIgnored() throws Exception {
    String chunks = topics.topic(DEVICE, TopicKind.BUNDLE_CHUNK);
    BundleRef ref = server.serve(bundles.spec(MODEL, 1).padding(3000).write(), TestAgents.CHUNK_SIZE);
    server.gate(index -> false);
    server.publishDesired(DEVICE, 1, TestServer.assignment(MODEL, 1, ref, false));
    await().atMost(WAIT).until(() -> !server.requests().isEmpty());

    byte[] valid = new ChunkMessage(ref.digest(), 0, new byte[ref.chunkLength(0)]).encode();
    byte[] badMagic = valid.clone();
    badMagic[0] = 'X';
    List<byte[]> rejected = List.of(
        new byte[10],
        badMagic,
        new ChunkMessage(ref.digest(), 0, new byte[ref.chunkSize() + 1]).encode(),
        new ChunkMessage(ref.digest(), ref.chunkCount() + 5, new byte[10]).encode());
    for (byte[] frame : rejected) {
      server.publish(chunks, frame, false);
    }
    server.publish(chunks, new ChunkMessage(Sha256.hex(new byte[] {7}), 0, new byte[16]).encode(), false);
    await().atMost(WAIT).until(() -> agent.stats().rejectedMessages() == rejected.size());

    server.gate(index -> true);
    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 1);
    assertThat(agent.stats().rejectedMessages()).isEqualTo(rejected.size());
    assertThat(agent.stats().corruptChunks()).isZero();
  }

  private static byte[] signedWithPackagerKeyAsIfServer(DesiredState state) {
    SignedDesiredState real = SignedDesiredState.sign(state, TestAgents.SERVER);
    byte[] sig = TestAgents.PACKAGER.sign(real.payload().getBytes(StandardCharsets.UTF_8));
    return MessageCodec.encode(new SignedDesiredState(1, TestAgents.PACKAGER.keyId(), real.payload(),
        Base64.getEncoder().encodeToString(sig)));
  }
}
