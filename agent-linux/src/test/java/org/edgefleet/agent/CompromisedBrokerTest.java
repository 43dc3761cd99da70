package org.edgefleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.testkit.LinearModel;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.agent.testkit.TestKeySets;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DesiredState;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.message.SignedDesiredState;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.KeySetFiles;
import org.edgefleet.protocol.trust.SignedKeySet;
import org.edgefleet.protocol.trust.SigningKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whoever controls the broker can publish anything on a device's topics. Without a server key
 * (or a threshold of root keys) that must install nothing: forged, re-keyed, replayed, expired
 * and mixed-up messages go through a real broker and the agent keeps what it runs.
 */
class CompromisedBrokerTest {

  static final String MODEL = "motor-anomaly";
  static final String DEVICE = "dev-c";
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  final TestKeySets fleet = new TestKeySets();
  final Topics topics = Topics.defaults();
  TestBroker broker;
  TestServer server;
  TestBundles bundles;
  EdgeAgent agent;
  SignedKeySet v1;

  @BeforeEach
  void setUp() throws Exception {
    broker = TestBroker.start(6 * 1024 * 1024);
    server = new TestServer(broker.url(), TestAgents.SERVER);
    bundles = new TestBundles(dir.resolve("bundles"), TestAgents.PACKAGER);
    v1 = fleet.signed(1, List.of(TestAgents.PACKAGER, TestAgents.SERVER), List.of());
    agent = startAgent();
  }

  @AfterEach
  void tearDown() throws Exception {
    agent.close();
    server.close();
    broker.close();
  }

  /** The device's clock, which a test moves forward to play a device that has heard nothing fresh for hours. */
  static final class MovableClock extends Clock {
    volatile Duration ahead = Duration.ZERO;

    @Override
    public Instant instant() {
      return Instant.now().plus(ahead);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  final MovableClock clock = new MovableClock();

  EdgeAgent startAgent() throws Exception {
    EdgeAgent a = TestAgents.builder(DEVICE, dir.resolve("agent"), broker.url()).trust(null).keySet(v1).clock(clock).build();
    a.start();
    await().atMost(WAIT).until(a::isConnected);
    return a;
  }

  @Test
  void forgedReplayedAndExpiredDesiredStatesInstallNothing() throws Exception {
    BundleRef ref1 = server.serve(bundles.spec(MODEL, 1).write(), TestAgents.CHUNK_SIZE);
    BundleRef ref2 = server.serve(bundles.spec(MODEL, 2).write(), TestAgents.CHUNK_SIZE);
    SigningKey attacker = SigningKey.generate(KeyRole.SERVER);
    List<SigningKey> attackerRoots = new TestKeySets().roots;
    SignedKeySet attackerKeySet = TestKeySets.sign(new TestKeySets().keySet(2, List.of(attacker), List.of(),
        Instant.now().plusSeconds(3600)), attackerRoots.get(0), attackerRoots.get(1));
    Instant now = Instant.now();
    List<byte[]> hostile = List.of(
        // Signed by a server key the fleet never trusted.
        desired(attacker, 5, now, now.plusSeconds(3600), ref2, 2, null),
        // The same, with a key set of the attacker's own roots that lists the attacker's key.
        desired(attacker, 5, now, now.plusSeconds(3600), ref2, 2, attackerKeySet),
        // A genuine signature, expired before it arrives.
        desired(TestAgents.SERVER, 5, now.minusSeconds(7200), now.minusSeconds(1), ref2, 2, null));
    for (byte[] payload : hostile) {
      server.publish(topics.topic(DEVICE, TopicKind.DESIRED), payload, true);
    }
    await().atMost(WAIT).until(() -> agent.stats().rejectedMessages() == hostile.size());
    assertThat(agent.activeModels()).isEmpty();
    await().atMost(WAIT).until(() -> lastError().contains("desired state expired"));

    server.publish(topics.topic(DEVICE, TopicKind.DESIRED),
        desired(TestAgents.SERVER, 7, now, now.plusSeconds(3600), ref1, 1, null), true);
    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 1);

    // A genuine but older revision, kept by the broker and sent again: refused, even after a restart.
    byte[] older = desired(TestAgents.SERVER, 6, now, now.plusSeconds(3600), ref2, 2, null);
    server.publish(topics.topic(DEVICE, TopicKind.DESIRED), older, false);
    await().atMost(WAIT).until(() -> lastError().contains("REPLAYED"));
    agent.close();
    agent = startAgent();
    long rejectedBefore = agent.stats().rejectedMessages();
    server.publish(topics.topic(DEVICE, TopicKind.DESIRED), older, false);
    await().atMost(WAIT).until(() -> agent.stats().rejectedMessages() > rejectedBefore);
    assertThat(agent.activeVersion(MODEL)).hasValue(1);
    assertThat(agent.predict(MODEL, Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(0)))).version()).isEqualTo(1);
  }

  @Test
  void chunksOfAnotherSignedBundleUnderTheAssignedDigestAreRefused() throws Exception {
    Path wanted = bundles.spec(MODEL, 2).write();
    Path other = bundles.spec(MODEL, 1).padding(2000).write();
    BundleRef ref = server.serve(wanted, TestAgents.CHUNK_SIZE);
    server.serve(ref, Files.readAllBytes(other)); // the broker answers with the other bundle's bytes
    Instant now = Instant.now();
    server.publish(topics.topic(DEVICE, TopicKind.DESIRED),
        desired(TestAgents.SERVER, 1, now, now.plusSeconds(3600), ref, 2, null), true);
    await().atMost(WAIT).until(() -> agent.stats().corruptChunks() >= ref.chunkCount());
    assertThat(agent.activeModels()).isEmpty();
  }

  @Test
  void aFrozenDeviceSaysSoAndKeepsServingUntilAFreshCopyComes() throws Exception {
    BundleRef ref = server.serve(bundles.spec(MODEL, 1).write(), TestAgents.CHUNK_SIZE);
    Instant now = Instant.now();
    server.publish(topics.topic(DEVICE, TopicKind.DESIRED),
        desired(TestAgents.SERVER, 1, now, now.plus(Duration.ofHours(1)), ref, 1, null), true);
    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 1);
    clock.ahead = Duration.ofHours(2);
    await().atMost(WAIT).until(() -> lastError().startsWith("desired state expired"));
    assertThat(agent.predict(MODEL, Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(0)))).version()).isEqualTo(1);

    Instant later = clock.instant();
    server.publish(topics.topic(DEVICE, TopicKind.DESIRED),
        desired(TestAgents.SERVER, 1, later, later.plusSeconds(3600), ref, 1, null), true);
    await().atMost(WAIT).until(() -> server.reported(DEVICE).map(r -> r.lastError() == null).orElse(false));
  }

  @Test
  void aKeySetSignedByTwoRootsRotatesTheServerKeyAndRevokesTheOld() throws Exception {
    BundleRef ref1 = server.serve(bundles.spec(MODEL, 1).write(), TestAgents.CHUNK_SIZE);
    BundleRef ref2 = server.serve(bundles.spec(MODEL, 2).write(), TestAgents.CHUNK_SIZE);
    SigningKey newServer = SigningKey.generate(KeyRole.SERVER);
    SignedKeySet v2 = fleet.signed(2, List.of(TestAgents.PACKAGER, newServer), List.of(TestAgents.SERVER.keyId()));
    Instant now = Instant.now();
    SignedKeySet belowThreshold = TestKeySets.sign(v2.keySet(), fleet.roots.get(2));
    // The report says which key set the device trusts, so the rotation's progress is visible.
    await().atMost(WAIT).until(() -> server.reported(DEVICE).map(r -> Long.valueOf(1).equals(r.keySetVersion())).orElse(false));

    // One root signature is not enough: the new server key stays unknown.
    server.publish(topics.topic(DEVICE, TopicKind.DESIRED),
        desired(newServer, 1, now, now.plusSeconds(3600), ref1, 1, belowThreshold), false);
    await().atMost(WAIT).until(() -> agent.stats().rejectedMessages() == 1);
    assertThat(agent.activeModels()).isEmpty();

    server.publish(topics.topic(DEVICE, TopicKind.DESIRED),
        desired(newServer, 1, now, now.plusSeconds(3600), ref1, 1, v2), true);
    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 1);
    assertThat(KeySetFiles.read(dir.resolve("agent").resolve("keyset.json"))).isEqualTo(v2);
    await().atMost(WAIT).until(() -> server.reported(DEVICE).map(r -> Long.valueOf(2).equals(r.keySetVersion())).orElse(false));

    // After a restart the persisted key set holds: the old server key is revoked, the new one signs.
    agent.close();
    agent = startAgent();
    server.publish(topics.topic(DEVICE, TopicKind.DESIRED),
        desired(TestAgents.SERVER, 2, now, now.plusSeconds(3600), ref2, 2, v1), false);
    await().atMost(WAIT).until(() -> lastError().contains("revoked"));
    server.publish(topics.topic(DEVICE, TopicKind.DESIRED),
        desired(newServer, 2, now, now.plusSeconds(3600), ref2, 2, null), true);
    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 2);
  }

  @Test
  void aPackagerKeyRevokedByANewKeySetSignsNoBundleThatInstalls() throws Exception {
    SigningKey packager2 = SigningKey.generate(KeyRole.PACKAGER);
    SignedKeySet v2 = fleet.signed(2, List.of(packager2, TestAgents.SERVER), List.of(TestAgents.PACKAGER.keyId()));
    BundleRef oldKey = server.serve(bundles.spec(MODEL, 1).write(), TestAgents.CHUNK_SIZE);
    BundleRef newKey = server.serve(bundles.spec(MODEL, 2).write(packager2), TestAgents.CHUNK_SIZE);
    Instant now = Instant.now();
    server.publish(topics.topic(DEVICE, TopicKind.DESIRED),
        desired(TestAgents.SERVER, 1, now, now.plusSeconds(3600), oldKey, 1, v2), true);
    await().atMost(WAIT).until(() -> server.events(DEVICE).stream()
        .anyMatch(e -> e.version() == 1 && "REVOKED_KEY".equals(e.reason())));
    assertThat(agent.activeModels()).isEmpty();

    server.publish(topics.topic(DEVICE, TopicKind.DESIRED),
        desired(TestAgents.SERVER, 2, now, now.plusSeconds(3600), newKey, 2, v2), true);
    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 2);
  }

  private String lastError() {
    return server.reported(DEVICE).map(r -> r.lastError() == null ? "" : r.lastError()).orElse("");
  }

  private static byte[] desired(SigningKey key, long revision, Instant issuedAt, Instant expiresAt, BundleRef ref,
      int version, SignedKeySet keySet) {
    ModelAssignment a = TestServer.assignment(MODEL, version, ref, false);
    SignedDesiredState signed = SignedDesiredState.sign(new DesiredState(DEVICE, revision, issuedAt, expiresAt, List.of(a)), key);
    return MessageCodec.encode(keySet == null ? signed : signed.withKeySet(keySet));
  }
}
