package org.edgefleet.agent.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.Prediction;
import org.edgefleet.agent.testkit.EventLog;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.tflite.OnnxTwin;
import org.edgefleet.tflite.TestModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real agent (broker on loopback, chunked download, verification, self-test) installs a TFLite
 * bundle of the published "hey jarvis" model and serves it. The TFLite engine is not passed to
 * the builder: it comes in through its provider on the class path, chosen by the manifest's format.
 */
class TfliteAgentTest {

  static final String MODEL = "hey-jarvis";
  static final Duration WAIT = Duration.ofSeconds(30);
  static final TensorSpec IN = new TensorSpec("x.1", DType.FLOAT32, List.of(1L, 16L, 96L));
  static final TensorSpec OUT = new TensorSpec("53", DType.FLOAT32, List.of(1L, 1L));

  @TempDir Path dir;
  TestBroker broker;
  TestServer server;
  EdgeAgent agent;
  EventLog log = new EventLog();

  @BeforeEach
  void setUp() throws Exception {
    broker = TestBroker.start();
    server = new TestServer(broker.url(), TestAgents.SERVER);
    agent = TestAgents.builder("tfl-001", dir.resolve("agent"), broker.url()).build();
    agent.addListener(log);
    agent.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    agent.close();
    server.close();
    broker.close();
  }

  @Test
  void installsSelfTestsAndServesATfliteBundle() throws Exception {
    byte[] model = Files.readAllBytes(TestModels.tflite(TestModels.HEY_JARVIS));
    try (OnnxTwin twin = new OnnxTwin(TestModels.onnx(TestModels.HEY_JARVIS))) {
      // Test vectors from the ONNX twin: the agent's self-test holds the TFLite model to ONNX Runtime's answers.
      Tensor x0 = OnnxTwin.input(TestModels.HEY_JARVIS, new long[] {1, 16, 96}, 1);
      Tensor x1 = OnnxTwin.input(TestModels.HEY_JARVIS, new long[] {1, 16, 96}, 2);
      List<TestVector> vectors = List.of(new TestVector(Map.of("x.1", x0), Map.of("53", twin.run(x0)), 1e-4),
          new TestVector(Map.of("x.1", x1), Map.of("53", twin.run(x1)), 1e-4));
      Manifest manifest = TfliteBundles.manifest(MODEL, 1, model, List.of(IN), List.of(OUT), vectors, TestAgents.PACKAGER.keyId());
      BundleRef ref = server.serve(TfliteBundles.write(dir.resolve("bundles"), manifest, model, TestAgents.PACKAGER), 32 * 1024);
      server.publishDesired("tfl-001", 1, TestServer.assignment(MODEL, 1, ref, false));
      await().atMost(WAIT).until(() -> agent.activeVersion(MODEL).orElse(0) == 1);
      assertThat(log.has(MODEL, 1, Execution.SELF_TEST, Result.SUCCESS)).isTrue();

      for (long seed = 10; seed < 15; seed++) {
        Tensor x = OnnxTwin.input(TestModels.HEY_JARVIS, new long[] {1, 16, 96}, seed);
        Prediction p = agent.predict(MODEL, Map.of("x.1", x));
        assertThat(p.version()).isEqualTo(1);
        assertThat(OnnxTwin.maxAbsDiff(p.output("53"), twin.run(x))).isLessThan(1e-5);
      }
    }
    assertThat(server.errors()).isEmpty();
  }

  @Test
  void aTfliteBundleWhoseManifestMisnamesAnInputFailsItsInstallAndServesNothing() throws Exception {
    byte[] model = Files.readAllBytes(TestModels.tflite(TestModels.HEY_JARVIS));
    TensorSpec wrong = new TensorSpec("embeddings", DType.FLOAT32, List.of(1L, 16L, 96L));
    Manifest manifest = TfliteBundles.manifest(MODEL, 1, model, List.of(wrong), List.of(OUT), null, TestAgents.PACKAGER.keyId());
    BundleRef ref = server.serve(TfliteBundles.write(dir.resolve("bundles"), manifest, model, TestAgents.PACKAGER), 32 * 1024);
    server.publishDesired("tfl-001", 1, TestServer.assignment(MODEL, 1, ref, false));
    await().atMost(WAIT).until(() -> log.failure(MODEL, 1).isPresent());
    assertThat(log.failure(MODEL, 1).orElseThrow().details()).contains("model has no input 'embeddings'");
    assertThat(agent.activeVersion(MODEL)).isEmpty();
  }
}
