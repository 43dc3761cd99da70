package org.edgefleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.edgefleet.agent.testkit.LinearModel;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One device through the roles a desired state can give a second version: a shadow that runs
 * beside the active version and is only compared, an A/B arm that serves its share of requests by
 * request id and collects outcomes, and a candidate that is staged without serving and then
 * switched to without a download; and, for an A/B test split by device, an active version that
 * records the outcomes of the requests it serves.
 */
class ModelRolesTest {

  static final String MODEL = "motor-anomaly";
  static final Duration WAIT = Duration.ofSeconds(20);

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
    agent = TestAgents.builder("dev-roles", dir.resolve("agent"), broker.url()).build();
    agent.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    agent.close();
    server.close();
    broker.close();
  }

  @Test
  void shadowArmAndCandidateEachPlayTheirRole() throws Exception {
    BundleRef v1 = server.serve(bundles.spec(MODEL, 1).write(), TestAgents.CHUNK_SIZE);
    BundleRef v2 = server.serve(bundles.spec(MODEL, 2).write(), TestAgents.CHUNK_SIZE);
    BundleRef v3 = server.serve(bundles.spec(MODEL, 3).write(), TestAgents.CHUNK_SIZE);
    ModelAssignment active1 = TestServer.assignment(MODEL, 1, v1, false);
    server.publishDesired("dev-roles", 1, active1);
    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 1);

    // Shadow: every answer comes from v1; v2's comparison with it arrives in telemetry.
    server.publishDesired("dev-roles", 2, active1, new ModelAssignment(MODEL, 2, SlotRole.SHADOW, v2, false));
    await().atMost(WAIT).until(() -> server.reported("dev-roles").map(r -> r.appliedRevision() == 2).orElse(false));
    await().atMost(WAIT).until(() -> {
      for (int i = 0; i < 20; i++) {
        assertThat(agent.predict(MODEL, inputs(i)).version()).isEqualTo(1);
      }
      return shadowCompared(2) >= 20;
    });
    TelemetryBatch.ShadowComparison c = lastShadow(2);
    assertThat(c.activeVersion()).isEqualTo(1);
    assertThat(c.top1Agreed()).isBetween(0L, c.top1Compared());
    assertThat(c.meanAbsDiff()).containsKey(LinearModel.LABEL);

    // A/B: a request id always lands on the same arm; both arms serve; outcomes go to the arm that served.
    server.publishDesired("dev-roles", 3, active1, ModelAssignment.arm(MODEL, 2, v2, 0.5));
    await().atMost(WAIT).until(() -> server.reported("dev-roles").map(r -> r.appliedRevision() == 3).orElse(false));
    Map<Integer, Integer> served = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      String id = "req-" + i;
      int version = agent.predict(MODEL, inputs(i), id).version();
      assertThat(agent.predict(MODEL, inputs(i), id).version()).as(id).isEqualTo(version);
      served.merge(version, 1, Integer::sum);
      assertThat(agent.recordOutcome(id, version == 2 ? 1.0 : 0.0)).isTrue();
    }
    assertThat(served.keySet()).containsExactlyInAnyOrder(1, 2);
    assertThat(served.get(2)).isBetween(60, 140);
    await().atMost(WAIT).until(() -> outcomes(1) == served.get(1) && outcomes(2) == served.get(2));
    assertThat(outcomeSum(2)).isEqualTo(served.get(2).doubleValue());
    assertThat(outcomeSum(1)).isZero();

    // Candidate: staged into the free slot, not serving; made active later without a download.
    server.publishDesired("dev-roles", 4, active1, new ModelAssignment(MODEL, 3, SlotRole.CANDIDATE, v3, false));
    await().atMost(WAIT).until(() -> server.reported("dev-roles").map(r -> r.appliedRevision() == 4
        && r.models().get(0).slots().stream().anyMatch(s -> s.version() == 3)).orElse(false));
    assertThat(agent.predict(MODEL, inputs(1), "req-1").version()).isEqualTo(1);
    assertThat(agent.recordOutcome("req-1", 1.0)).isFalse();
    long requestsBefore = server.requests().size();
    server.publishDesired("dev-roles", 5, TestServer.assignment(MODEL, 3, v3, false));
    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 3);
    assertThat(server.requests()).hasSize((int) requestsBefore);
  }

  @Test
  void outcomesGoToTheFlaggedActiveVersionWithNoArmBesideIt() throws Exception {
    BundleRef v1 = server.serve(bundles.spec(MODEL, 1).write(), TestAgents.CHUNK_SIZE);
    BundleRef v2 = server.serve(bundles.spec(MODEL, 2).write(), TestAgents.CHUNK_SIZE);
    ModelAssignment active1 = TestServer.assignment(MODEL, 1, v1, false);
    server.publishDesired("dev-roles", 1, active1);
    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 1);
    assertThat(agent.recordOutcome("before", 1.0)).as("no A/B test: counted nowhere").isFalse();

    // Arm A of a split by device: the version it runs, flagged; nothing to download, one model loaded.
    long requestsBefore = server.requests().size();
    server.publishDesired("dev-roles", 2, active1.recordingOutcomes());
    await().atMost(WAIT).until(() -> server.reported("dev-roles").map(r -> r.appliedRevision() == 2).orElse(false));
    for (int i = 0; i < 30; i++) {
      String id = "a-" + i;
      assertThat(agent.predict(MODEL, inputs(i), id).version()).isEqualTo(1);
      assertThat(agent.recordOutcome(id, 2.0)).isTrue();
    }
    assertThat(server.requests()).hasSize((int) requestsBefore);
    await().atMost(WAIT).until(() -> outcomes(1) == 30);
    assertThat(outcomeSum(1)).isEqualTo(60.0);

    // Arm B: the new version as the active one, flagged; once it serves, every outcome is its own.
    server.publishDesired("dev-roles", 3, TestServer.assignment(MODEL, 2, v2, false).recordingOutcomes());
    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 2);
    for (int i = 0; i < 20; i++) {
      String id = "b-" + i;
      assertThat(agent.predict(MODEL, inputs(i), id).version()).isEqualTo(2);
      assertThat(agent.recordOutcome(id, 3.0)).isTrue();
    }
    await().atMost(WAIT).until(() -> outcomes(2) == 20);
    assertThat(outcomeSum(2)).isEqualTo(60.0);
    assertThat(outcomes(1)).as("nothing more for the version it replaced").isEqualTo(30);

    // Promoted: the flag is dropped and outcomes count nowhere again.
    server.publishDesired("dev-roles", 4, TestServer.assignment(MODEL, 2, v2, false));
    await().atMost(WAIT).until(() -> server.reported("dev-roles").map(r -> r.appliedRevision() == 4).orElse(false));
    assertThat(agent.recordOutcome("after", 1.0)).isFalse();
  }

  private static Map<String, Tensor> inputs(int i) {
    return Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(i % 4)));
  }

  private long shadowCompared(int version) {
    return versionMetrics(version).stream().map(TelemetryBatch.ModelMetrics::shadow).filter(Objects::nonNull)
        .mapToLong(TelemetryBatch.ShadowComparison::top1Compared).sum();
  }

  private TelemetryBatch.ShadowComparison lastShadow(int version) {
    List<TelemetryBatch.ShadowComparison> all = versionMetrics(version).stream().map(TelemetryBatch.ModelMetrics::shadow)
        .filter(Objects::nonNull).toList();
    return all.get(all.size() - 1);
  }

  private long outcomes(int version) {
    return versionMetrics(version).stream().map(TelemetryBatch.ModelMetrics::outcomes).filter(Objects::nonNull)
        .mapToLong(TelemetryBatch.Outcomes::count).sum();
  }

  private double outcomeSum(int version) {
    return versionMetrics(version).stream().map(TelemetryBatch.ModelMetrics::outcomes).filter(Objects::nonNull)
        .mapToDouble(TelemetryBatch.Outcomes::sum).sum();
  }

  private List<TelemetryBatch.ModelMetrics> versionMetrics(int version) {
    return server.telemetry("dev-roles").stream().flatMap(b -> b.models().stream()).filter(m -> m.version() == version).toList();
  }
}
