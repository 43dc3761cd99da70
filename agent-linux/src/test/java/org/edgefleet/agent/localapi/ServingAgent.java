package org.edgefleet.agent.localapi;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.testkit.LinearModel;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestBundles;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * A real agent that got two real ONNX models over MQTT from a test server: the test kit's linear
 * classifier ({@code motor-anomaly}: {@code features} in, {@code probabilities} and {@code label}
 * out) and {@link OddNamesModel}.
 */
final class ServingAgent implements AutoCloseable {

  static final String MODEL = "motor-anomaly";
  static final String DEVICE = "local-api-dev";
  private static final Duration WAIT = Duration.ofSeconds(30);

  final TestBroker broker;
  final TestServer server;
  final EdgeAgent agent;

  private ServingAgent(TestBroker broker, TestServer server, EdgeAgent agent) {
    this.broker = broker;
    this.server = server;
    this.agent = agent;
  }

  static ServingAgent start(Path dir) throws Exception {
    TestBroker broker = TestBroker.start();
    TestServer server = new TestServer(broker.url(), TestAgents.SERVER);
    EdgeAgent agent = TestAgents.builder(DEVICE, dir.resolve("agent"), broker.url()).build();
    ServingAgent s = new ServingAgent(broker, server, agent);
    try {
      agent.start();
      BundleRef linear = server.serve(new TestBundles(dir.resolve("bundles"), TestAgents.PACKAGER).spec(MODEL, 1).write(),
          TestAgents.CHUNK_SIZE);
      BundleRef mean = server.serve(OddNamesModel.bundle(dir.resolve("odd"), TestAgents.PACKAGER, 1), TestAgents.CHUNK_SIZE);
      server.publishDesired(DEVICE, 1, TestServer.assignment(MODEL, 1, linear, false),
          TestServer.assignment(OddNamesModel.NAME, 1, mean, false));
      await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 1
          && agent.activeVersion(OddNamesModel.NAME).orElse(0) == 1);
      return s;
    } catch (Exception e) {
      s.close();
      throw e;
    }
  }

  static Map<String, Tensor> features(int i) {
    return Map.of(LinearModel.INPUT, Tensor.row(TestBundles.sample(i)));
  }

  @Override
  public void close() throws Exception {
    agent.close();
    server.close();
    broker.close();
  }
}
