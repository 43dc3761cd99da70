package org.edgefleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.edgefleet.agent.testkit.EventLog;
import org.edgefleet.agent.testkit.LinearModel;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.protocol.bundle.BundleFormat;
import org.edgefleet.protocol.bundle.FileEntry;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.transfer.ChunkPlan;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a bundle or its assignment can lie: the agent refuses it with the reason, reports a
 * FAILURE event, and keeps serving the version it has (v3 here).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileBundleTest {

  static final String MODEL = "motor-anomaly";
  static final String DEVICE = "dev-h";
  static final Duration WAIT = Duration.ofSeconds(20);
  static final SigningKey STRANGER = SigningKey.generate(KeyRole.PACKAGER);
  static final SigningKey REVOKED = SigningKey.generate(KeyRole.PACKAGER);

  @TempDir static Path dir;
  TestBroker broker;
  TestServer server;
  TestBundles bundles;
  EdgeAgent agent;
  EventLog log = new EventLog();
  AtomicLong revision = new AtomicLong();

  @BeforeAll
  void installVersion3() throws Exception {
    broker = TestBroker.start();
    server = new TestServer(broker.url(), TestAgents.SERVER);
    bundles = new TestBundles(dir.resolve("bundles"), TestAgents.PACKAGER);
    TrustStore trust = TestAgents.trust().toBuilder().trust(REVOKED.publicKey()).revoke(REVOKED.keyId()).build();
    agent = TestAgents.builder(DEVICE, dir.resolve("agent"), broker.url()).trust(trust).build();
    agent.addListener(log);
    agent.start();
    BundleRef v3 = server.serve(bundles.spec(MODEL, 3).write(), TestAgents.CHUNK_SIZE);
    server.publishDesired(DEVICE, revision.incrementAndGet(), TestServer.assignment(MODEL, 3, v3, false));
    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 3);
  }

  @AfterEach
  void stillServesVersion3() throws Exception {
    Prediction p = agent.predict(MODEL, Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(1))));
    assertThat(p.version()).isEqualTo(3);
    assertThat(p.output(LinearModel.PROBABILITIES).floats()).containsExactly(
        LinearModel.version(3).probabilities(TestBundles.sample(1)), offset(1e-5f));
  }

  @AfterAll
  void tearDown() throws Exception {
    agent.close();
    server.close();
    broker.close();
  }

  @Test
  void badSignature() throws Exception {
    Map<String, byte[]> entries = TestBundles.entries(bundles.spec(MODEL, 4).write());
    entries.put(BundleFormat.SIGNATURE, TestBundles.signature(TestAgents.PACKAGER.keyId(),
        STRANGER.sign(entries.get(BundleFormat.MANIFEST))));
    assertRefused(bundles.writeRaw(entries), 4, Execution.VERIFY, "BAD_SIGNATURE");
  }

  @Test
  void unknownKey() throws Exception {
    assertRefused(bundles.spec(MODEL, 5).write(STRANGER), 5, Execution.VERIFY, "UNKNOWN_KEY");
  }

  @Test
  void revokedKey() throws Exception {
    assertRefused(bundles.spec(MODEL, 16).write(REVOKED), 16, Execution.VERIFY, "REVOKED_KEY");
  }

  @Test
  void tamperedModelFile() throws Exception {
    Map<String, byte[]> entries = TestBundles.entries(bundles.spec(MODEL, 6).write());
    entries.get(TestBundles.MODEL_FILE)[20] ^= 0x10;
    assertRefused(bundles.writeRaw(entries), 6, Execution.VERIFY, "HASH_MISMATCH");
  }

  @Test
  void truncatedBundle() throws Exception {
    byte[] whole = Files.readAllBytes(bundles.spec(MODEL, 7).write());
    Path cut = Files.write(dir.resolve("cut.bundle"), Arrays.copyOf(whole, whole.length / 2));
    assertRefused(cut, 7, Execution.VERIFY, "MALFORMED");
  }

  @Test
  void entryPathEscapingTheBundle() throws Exception {
    Map<String, byte[]> entries = TestBundles.entries(bundles.spec(MODEL, 8).write());
    entries.put("../../../escaped.txt", "owned".getBytes(StandardCharsets.UTF_8));
    assertRefused(bundles.writeRaw(entries), 8, Execution.VERIFY, "PATH_ESCAPE");
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(p -> p.getFileName().toString().equals("escaped.txt"))).isEmpty();
    }
  }

  @Test
  void declaredSizesThatLie() throws Exception {
    TestBundles.Spec spec = bundles.spec(MODEL, 9);
    Map<String, byte[]> files = spec.files();
    Manifest honest = spec.manifest(files, TestAgents.PACKAGER);
    FileEntry model = honest.files().get(0);
    Manifest lying = new Manifest(honest.schema(), honest.name(), honest.version(), honest.format(), honest.modelFile(),
        honest.runtime(), honest.inputs(), honest.outputs(), honest.quantization(), honest.referenceStats(),
        honest.testVectors(), List.of(new FileEntry(model.path(), model.sha256(), model.size() - 7)), honest.createdAt(),
        honest.expiresAt(), honest.keyId(), honest.description());
    assertRefused(bundles.writeRaw(TestBundles.signedEntries(lying, files, TestAgents.PACKAGER)), 9, Execution.VERIFY,
        "SIZE_MISMATCH");
  }

  @Test
  void versionNotNewerIsRefusedWithoutDownloading() throws Exception {
    BundleRef v2 = server.serve(bundles.spec(MODEL, 2).write(), TestAgents.CHUNK_SIZE);
    int requests = server.requests().size();
    DeviceEvent plain = publishAndAwaitFailure(TestServer.assignment(MODEL, 2, v2, false), 2);
    assertThat(plain.reason()).isEqualTo("VERSION_NOT_NEWER");
    assertThat(plain.details()).contains("not newer than the active v3");
    DeviceEvent rollbackNotHeld = publishAndAwaitFailure(TestServer.assignment(MODEL, 2, v2, true), 2);
    assertThat(rollbackNotHeld.reason()).isEqualTo("VERSION_NOT_NEWER");
    assertThat(rollbackNotHeld.details()).contains("holds only");
    assertThat(server.requests()).hasSize(requests);
  }

  @Test
  void failingTestVectorLeavesNoSlotBehind() throws Exception {
    assertRefused(bundles.spec(MODEL, 10).failingTestVector().write(), 10, Execution.SELF_TEST, "TEST_VECTOR_FAILED");
    long applied = revision.get();
    await().atMost(WAIT).until(() -> server.reported(DEVICE).map(r -> r.appliedRevision() == applied).orElse(false));
    ReportedState.ModelStatus status = server.reported(DEVICE).orElseThrow().models().get(0);
    assertThat(status.slots()).extracting(ReportedState.SlotStatus::version).doesNotContain(10);
    assertThat(status.state()).isEqualTo("failed: TEST_VECTOR_FAILED");
    assertThat(server.reported(DEVICE).orElseThrow().lastError()).contains("v10").contains("TEST_VECTOR_FAILED");
  }

  @Test
  void expiredBundle() throws Exception {
    assertRefused(bundles.spec(MODEL, 11).expired().write(), 11, Execution.VERIFY, "EXPIRED");
  }

  @Test
  void unsupportedFormat() throws Exception {
    assertRefused(bundles.spec(MODEL, 12).format(ModelFormat.TFLITE).write(), 12, Execution.VERIFY, "UNSUPPORTED");
  }

  @Test
  void bundleOfAnotherModel() throws Exception {
    assertRefused(bundles.spec("other-model", 13).write(), 13, Execution.VERIFY, "MALFORMED");
  }

  @Test
  void referenceWhoseDigestLies() throws Exception {
    Path bundle = bundles.spec(MODEL, 14).write();
    BundleRef honest = ChunkPlan.of(bundle, TestAgents.CHUNK_SIZE);
    BundleRef lying = new BundleRef(Sha256.hex(new byte[] {1, 2, 3}), honest.size(), honest.chunkSize(), honest.chunkHashes());
    server.serve(lying, Files.readAllBytes(bundle));
    DeviceEvent e = publishAndAwaitFailure(TestServer.assignment(MODEL, 14, lying, false), 14);
    assertThat(e.execution()).isEqualTo(Execution.VERIFY);
    assertThat(e.reason()).isEqualTo("HASH_MISMATCH");
  }

  @Test
  void bundleLargerThanTheDeviceAccepts() throws Exception {
    long size = 600L * 1024 * 1024;
    BundleRef huge = new BundleRef(Sha256.hex(new byte[] {9}), size, (int) size, List.of(Sha256.hex(new byte[] {8})));
    DeviceEvent e = publishAndAwaitFailure(TestServer.assignment(MODEL, 15, huge, false), 15);
    assertThat(e.execution()).isEqualTo(Execution.DOWNLOAD);
    assertThat(e.reason()).isEqualTo("TOO_LARGE");
  }

  private void assertRefused(Path bundle, int version, Execution step, String reason) throws Exception {
    BundleRef ref = server.serve(bundle, TestAgents.CHUNK_SIZE);
    DeviceEvent e = publishAndAwaitFailure(TestServer.assignment(MODEL, version, ref, false), version);
    assertThat(e.execution()).isEqualTo(step);
    assertThat(e.reason()).as(e.details()).isEqualTo(reason);
    assertThat(e.details()).isNotBlank();
    await().atMost(WAIT).until(() -> server.events(DEVICE).stream().anyMatch(s -> s.seq() == e.seq()));
  }

  private DeviceEvent publishAndAwaitFailure(ModelAssignment a, int version) throws Exception {
    int mark = log.events().size();
    server.publishDesired(DEVICE, revision.incrementAndGet(), a);
    await().atMost(WAIT).until(() -> log.events().stream().skip(mark)
        .anyMatch(e -> e.version() == version && e.result() == Result.FAILURE));
    return log.events().stream().skip(mark).filter(e -> e.version() == version && e.result() == Result.FAILURE)
        .findFirst().orElseThrow();
  }
}
