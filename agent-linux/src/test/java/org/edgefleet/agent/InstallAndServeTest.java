package org.edgefleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.edgefleet.agent.testkit.EventLog;
import org.edgefleet.agent.testkit.LinearModel;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.message.LatencyHistograms;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.runtime.Platform;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The happy path: a device gets a model, serves it, upgrades it and rolls it back. */
class InstallAndServeTest {

  static final String MODEL = "motor-anomaly";
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  TestBroker broker;
  TestServer server;
  TestBundles bundles;
  EdgeAgent agent;
  EventLog log = new EventLog();

  @BeforeEach
  void setUp() throws Exception {
    broker = TestBroker.start();
    server = new TestServer(broker.url(), TestAgents.SERVER);
    bundles = new TestBundles(dir.resolve("bundles"), TestAgents.PACKAGER);
    agent = TestAgents.builder("dev-001", dir.resolve("agent"), broker.url()).build();
    agent.addListener(log);
  }

  @AfterEach
  void tearDown() throws Exception {
    agent.close();
    server.close();
    broker.close();
  }

  @Test
  void installsActivatesAndServesTheAssignedModel() throws Exception {
    agent.start();
    assertThatThrownBy(() -> agent.predict(MODEL, input(0)))
        .isInstanceOfSatisfying(PredictionException.class, e -> assertThat(e.reason()).isEqualTo(PredictionException.Reason.NO_ACTIVE_MODEL));

    BundleRef v1 = server.serve(bundles.spec(MODEL, 1).padding(6000).write(), TestAgents.CHUNK_SIZE);
    server.publishDesired("dev-001", 1, TestServer.assignment(MODEL, 1, v1, false));
    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 1);

    for (int i = 0; i < 5; i++) {
      Prediction p = agent.predict(MODEL, input(i));
      assertThat(p.version()).isEqualTo(1);
      assertThat(p.output(LinearModel.PROBABILITIES).floats())
          .containsExactly(LinearModel.version(1).probabilities(TestBundles.sample(i)), offset(1e-5f));
      assertThat(p.output(LinearModel.LABEL).dtype()).isEqualTo(DType.INT64);
      assertThat(p.latencyNanos()).isPositive();
    }

    List<String> steps = log.events().stream().map(e -> e.execution().wireName() + ":" + e.result().wireName()).toList();
    assertThat(steps).containsExactly("download:started", "download:success", "verify:started", "verify:success",
        "install:started", "install:success", "self_test:started", "self_test:success", "activate:started", "activate:success");
    assertThat(log.activations()).containsExactly(MODEL + "@1");

    await().atMost(WAIT).until(() -> server.events("dev-001").size() == 10);
    assertThat(server.events("dev-001")).extracting(DeviceEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(server.status("dev-001")).contains(DeviceStatus.State.ONLINE);
    await().atMost(WAIT).until(() -> server.reported("dev-001").map(r -> r.appliedRevision() == 1).orElse(false));
    ReportedState reported = server.reported("dev-001").orElseThrow();
    assertThat(reported.agentVersion()).isEqualTo(EdgeAgent.VERSION);
    // What the device can run comes from the engines it was built with and the JVM it runs on.
    assertThat(reported.capabilities().formats()).containsExactly("onnx");
    assertThat(reported.capabilities().arch()).isEqualTo(Platform.current().toString());
    assertThat(reported.capabilities().maxBundleBytes()).isEqualTo(BundleLimits.DEFAULT.maxBundleBytes());
    assertThat(reported.capabilities().freeDiskBytes()).isPositive();
    assertThat(reported.labels()).containsEntry("hw", "test");
    assertThat(reported.models()).singleElement().satisfies(m -> {
      assertThat(m.activeVersion()).isEqualTo(1);
      assertThat(m.activeSlot()).isEqualTo("a");
      assertThat(m.state()).isEqualTo("idle");
    });

    await().atMost(WAIT).until(() -> server.telemetry("dev-001").stream()
        .flatMap(t -> t.models().stream()).mapToLong(TelemetryBatch.ModelMetrics::count).sum() >= 5);
    Histogram latency = LatencyHistograms.newHistogram();
    for (TelemetryBatch t : server.telemetry("dev-001")) {
      for (TelemetryBatch.ModelMetrics m : t.models()) {
        assertThat(m.name()).isEqualTo(MODEL);
        latency.add(LatencyHistograms.decode(m.latencyMicros()));
      }
      assertThat(t.resources().heapUsedBytes()).isPositive();
    }
    assertThat(latency.getTotalCount()).isEqualTo(5);
    assertThat(server.errors()).isEmpty();
  }

  @Test
  void upgradesWithoutInterruptingCallersAndRollsBackToTheHeldVersion() throws Exception {
    agent.start();
    BundleRef v1 = server.serve(bundles.spec(MODEL, 1).write(), TestAgents.CHUNK_SIZE);
    BundleRef v2 = server.serve(bundles.spec(MODEL, 2).write(), TestAgents.CHUNK_SIZE);
    server.publishDesired("dev-001", 1, TestServer.assignment(MODEL, 1, v1, false));
    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 1);

    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread caller = new Thread(() -> {
      while (running.get()) {
        try {
          Prediction p = agent.predict(MODEL, input(1));
          float[] expected = LinearModel.version(p.version()).probabilities(TestBundles.sample(1));
          assertThat(p.output(LinearModel.PROBABILITIES).floats()).containsExactly(expected, offset(1e-5f));
          seen.add(p.version());
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }
    });
    caller.start();
    server.publishDesired("dev-001", 2, TestServer.assignment(MODEL, 2, v2, false));
    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 2);
    await().atMost(WAIT).until(() -> seen.contains(2));
    running.set(false);
    caller.join();
    assertThat(failure.get()).isNull();
    assertThat(seen).containsExactlyInAnyOrder(1, 2);

    int requestsBefore = server.requests().size();
    server.publishDesired("dev-001", 3, TestServer.assignment(MODEL, 1, v1, true));
    await().atMost(WAIT).until(() -> log.has(MODEL, 1, Execution.ROLLBACK, Result.SUCCESS));
    assertThat(agent.activeVersion(MODEL)).hasValue(1);
    assertThat(server.requests()).hasSize(requestsBefore);
    assertThat(agent.predict(MODEL, input(2)).version()).isEqualTo(1);
    await().atMost(WAIT).until(() -> server.reported("dev-001").map(r -> r.appliedRevision() == 3).orElse(false));
    assertThat(server.reported("dev-001").orElseThrow().models().get(0).slots())
        .extracting(ReportedState.SlotStatus::version).containsExactlyInAnyOrder(1, 2);
  }

  @Test
  void rejectsInputsThatDoNotMatchTheManifest() throws Exception {
    agent.start();
    BundleRef v1 = server.serve(bundles.spec(MODEL, 1).write(), TestAgents.CHUNK_SIZE);
    server.publishDesired("dev-001", 1, TestServer.assignment(MODEL, 1, v1, false));
    await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).isPresent());

    assertMismatch(Map.of("other", Tensor.row(1, 2, 3)), "expects inputs [features]");
    assertMismatch(Map.of(LinearModel.INPUT, Tensor.row(1, 2)), "float32 [-1, 3]");
    assertMismatch(Map.of(LinearModel.INPUT, Tensor.ofLongs(DType.INT64, new long[] {1, 3},
        new long[] {1, 2, 3})), "got int64");
    Prediction batch = agent.predict(MODEL, Map.of(LinearModel.INPUT, Tensor.ofFloats(new long[] {2, 3},
        new float[] {1, 2, 3, 4, 5, 6})));
    assertThat(batch.output(LinearModel.PROBABILITIES).shape()).containsExactly(2, 2);
  }

  private void assertMismatch(Map<String, Tensor> inputs, String message) {
    assertThatThrownBy(() -> agent.predict(MODEL, inputs)).isInstanceOfSatisfying(PredictionException.class, e -> {
      assertThat(e.reason()).isEqualTo(PredictionException.Reason.INPUT_MISMATCH);
      assertThat(e.getMessage()).contains(message);
    });
  }

  static Map<String, Tensor> input(int i) {
    return Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(i)));
  }
}
