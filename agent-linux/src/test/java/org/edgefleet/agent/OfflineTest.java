package org.edgefleet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.edgefleet.agent.testkit.EventLog;
import org.edgefleet.agent.testkit.LinearModel;
import org.edgefleet.fault.MqttFaultProxy;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device without its server: it serves what it has from the first moment, keeps recording,
 * and delivers everything it recorded once it is back.
 */
class OfflineTest {

  static final String MODEL = "motor-anomaly";
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  TestBroker broker;
  MqttFaultProxy network;
  TestServer server;
  TestBundles bundles;

  @BeforeEach
  void setUp() throws Exception {
    broker = TestBroker.start();
    network = MqttFaultProxy.start(broker.port());
    server = new TestServer(broker.url(), TestAgents.SERVER);
    bundles = new TestBundles(dir.resolve("bundles"), TestAgents.PACKAGER);
  }

  @AfterEach
  void tearDown() throws Exception {
    server.close();
    network.close();
    broker.close();
  }

  @Test
  void restartedAgentServesItsModelBeforeAnyConnectionAndContinuesItsEventNumbers() throws Exception {
    Path data = dir.resolve("agent");
    BundleRef v1 = server.serve(bundles.spec(MODEL, 1).write(), TestAgents.CHUNK_SIZE);
    long lastSeq;
    try (EdgeAgent first = TestAgents.builder("dev-r", data, network.url()).build()) {
      first.start();
      server.publishDesired("dev-r", 1, TestServer.assignment(MODEL, 1, v1, false));
      await().atMost(WAIT).until(() -> server.events("dev-r").size() == 10);
      lastSeq = server.events("dev-r").get(9).seq();
    }

    network.cut();
    EventLog log = new EventLog();
    try (EdgeAgent again = TestAgents.builder("dev-r", data, network.url()).build()) {
      again.addListener(log);
      again.start();
      Prediction p = again.predict(MODEL, Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(3))));
      assertThat(p.version()).isEqualTo(1);
      assertThat(p.output(LinearModel.PROBABILITIES).floats()).containsExactly(
          LinearModel.version(1).probabilities(TestBundles.sample(3)), offset(1e-5f));
      assertThat(again.isConnected()).isFalse();

      network.open();
      await().atMost(WAIT).until(again::isConnected);
      BundleRef v2 = server.serve(bundles.spec(MODEL, 2).write(), TestAgents.CHUNK_SIZE);
      server.publishDesired("dev-r", 2, TestServer.assignment(MODEL, 2, v2, false));
      await().atMost(WAIT).until(() -> again.activeVersion(MODEL).orElse(0) == 2);
      assertThat(log.events()).extracting(DeviceEvent::seq).allMatch(seq -> seq > lastSeq);
    }
  }

  @Test
  void keepsServingWhileUnreachableAndDeliversEveryTelemetryBatchAfterwards() throws Exception {
    EdgeAgent agent = TestAgents.builder("dev-o", dir.resolve("agent"), network.url()).build();
    try (agent) {
      agent.start();
      BundleRef v1 = server.serve(bundles.spec(MODEL, 1).write(), TestAgents.CHUNK_SIZE);
      server.publishDesired("dev-o", 1, TestServer.assignment(MODEL, 1, v1, false));
      await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).isPresent());
      await().atMost(WAIT).until(() -> !server.telemetry("dev-o").isEmpty());

      network.cut();
      await().atMost(WAIT).until(() -> !agent.isConnected());
      for (int i = 0; i < 50; i++) {
        assertThat(agent.predict(MODEL, Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(i % 4)))).version()).isEqualTo(1);
      }
      await().atMost(WAIT).until(() -> agent.stats().outboxSize() >= 4);

      network.open();
      await().atMost(WAIT).until(() -> agent.isConnected() && agent.stats().outboxSize() == 0);
      long offlineCalls = 50;
      await().atMost(WAIT).until(() -> calls(server.telemetry("dev-o")) >= offlineCalls);
      List<Long> seqs = server.telemetry("dev-o").stream().map(TelemetryBatch::seq).toList();
      TreeSet<Long> distinct = new TreeSet<>(seqs);
      assertThat(distinct).containsExactlyElementsOf(LongStream.rangeClosed(1, distinct.last()).boxed().toList());
      assertThat(calls(server.telemetry("dev-o"))).isEqualTo(offlineCalls);
    }
  }

  @Test
  void fullOutboxDropsTheOldestAndReportsHowManyItDropped() throws Exception {
    network.cut();
    EdgeAgent agent = TestAgents.builder("dev-b", dir.resolve("agent"), network.url())
        .outboxBound(5).telemetryInterval(Duration.ofMillis(50)).build();
    try (agent) {
      agent.start();
      await().atMost(WAIT).until(() -> agent.stats().outboxDropped() >= 5);
      assertThat(agent.stats().outboxSize()).isEqualTo(5);

      network.open();
      await().atMost(WAIT).until(() -> server.telemetry("dev-b").size() >= 5);
      TelemetryBatch first = server.telemetry("dev-b").get(0);
      assertThat(first.seq()).isGreaterThan(5);
      await().atMost(WAIT).until(() -> server.telemetryJson("dev-b").stream()
          .anyMatch(j -> j.path("counters").path("outboxDropped").asLong() >= 5));
      JsonNode latest = server.telemetryJson("dev-b").get(server.telemetryJson("dev-b").size() - 1);
      assertThat(latest.path("counters").has("corruptChunks")).isTrue();
    }
  }

  private static long calls(List<TelemetryBatch> batches) {
    return batches.stream().flatMap(b -> b.models().stream()).mapToLong(TelemetryBatch.ModelMetrics::count).sum();
  }
}
