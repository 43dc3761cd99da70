package org.edgefleet.agent.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.agent.testkit.TestBroker;
import org.edgefleet.agent.testkit.TestServer;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.tflite.OnnxTwin;
import org.edgefleet.tflite.TestModels;
import org.edgefleet.tflite.TfliteException;
import org.edgefleet.tflite.TfliteFile;
import org.edgefleet.tflite.TfliteInterpreter;
import org.edgefleet.tflite.TfliteOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent adds to a TFLite call: {@code EdgeAgent.predict} (input checks, interpreter pool,
 * tensor copies, metrics) against the bare JavaCPP interpreter (copy in, Invoke, copy out) on the
 * same published models, one thread each, XNNPACK on, measured in alternating blocks in one JVM
 * (with tflite-runtime's interpreter alone as the middle figure).
 */
class PredictOverheadTest {

  static final int ROUNDS = 20;
  static final int CALLS = 100;

  @TempDir Path dir;

  @Test
  void agentPredictStaysCloseToTheBareInterpreter() throws Exception {
    try (TestBroker broker = TestBroker.start(); TestServer server = new TestServer(broker.url(), TestAgents.SERVER)) {
      EdgeAgent agent = TestAgents.builder("bench-001", dir.resolve("agent"), broker.url()).build();
      try {
        agent.start();
        double jarvis = ratio(agent, server, "jarvis", TestModels.HEY_JARVIS, new TensorSpec("x.1", DType.FLOAT32, List.of(1L, 16L, 96L)),
            new TensorSpec("53", DType.FLOAT32, List.of(1L, 1L)), new long[] {1, 16, 96}, 1);
        double embedding = ratio(agent, server, "embedding", TestModels.EMBEDDING, TfliteEngineTest.EMBED_IN,
            TfliteEngineTest.EMBED_OUT, new long[] {1, 76, 32, 1}, 2);
        // A measurement, not a timing test: the figures go to docs/benchmarks.md; the test checks
        // that both paths ran and answered alike (in ratio) and reports what it measured.
        assertThat(jarvis).isPositive();
        assertThat(embedding).isPositive();
      } finally {
        agent.close();
      }
    }
  }

  private double ratio(EdgeAgent agent, TestServer server, String name, String model, TensorSpec in, TensorSpec out,
      long[] shape, long revision) throws Exception {
    Path file = TestModels.tflite(model);
    byte[] bytes = Files.readAllBytes(file);
    Manifest manifest = TfliteBundles.manifest(name, 1, bytes, List.of(in), List.of(out), null, TestAgents.PACKAGER.keyId());
    BundleRef ref = server.serve(TfliteBundles.write(dir.resolve("bundles"), manifest, bytes, TestAgents.PACKAGER), 32 * 1024);
    server.publishDesired("bench-001", revision, TestServer.assignment(name, 1, ref, false));
    await().atMost(Duration.ofSeconds(30)).until(() -> agent.activeVersion(name).orElse(0) == 1);

    Tensor x = OnnxTwin.input(model, shape, 5);
    Map<String, Tensor> feeds = Map.of(in.name(), x);
    try (BareInterpreter bare = new BareInterpreter(file); TfliteFile wrapped = TfliteFile.open(file);
        TfliteInterpreter wrapper = wrapped.newInterpreter(new TfliteOptions(1, true))) {
      float[] result = new float[agent.predict(name, feeds).output(out.name()).size()];
      assertThat(bare.run(x.floats(), result)).isEqualTo(agent.predict(name, feeds).output(out.name()).floats());
      long[][] nanos = new long[3][ROUNDS * CALLS];
      for (int r = -1; r < ROUNDS; r++) {
        // Round -1 warms up; then the three take turns in short blocks, so that a disturbance
        // from other processes falls on all of them alike.
        for (int kind = 0; kind < 3; kind++) {
          for (int i = 0; i < CALLS; i++) {
            long t0 = System.nanoTime();
            switch (kind) {
              case 0 -> bare.run(x.floats(), result);
              case 1 -> wrapper.run(feeds);
              default -> agent.predict(name, feeds);
            }
            if (r >= 0) {
              nanos[kind][r * CALLS + i] = System.nanoTime() - t0;
            }
          }
        }
      }
      double bareP50 = p50(nanos[0]);
      double agentP50 = p50(nanos[2]);
      double ratio = agentP50 / bareP50;
      System.out.printf("predict overhead %s: agent p50 %.1f us, bare interpreter p50 %.1f us, ratio %.3f; runtime wrapper p50 %.1f us%n",
          model, agentP50 / 1000, bareP50 / 1000, ratio, p50(nanos[1]) / 1000);
      return ratio;
    }
  }

  private static double p50(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** The baseline: JavaCPP's TFLite with nothing of ours between the caller and Invoke. */
  private static final class BareInterpreter implements AutoCloseable {
    private final FlatBufferModel model;
    private final BuiltinOpResolver resolver = new BuiltinOpResolver();
    private final Interpreter interpreter = new Interpreter((Pointer) null);

    BareInterpreter(Path file) throws TfliteException {
      TestModels.loadNatives();
      model = FlatBufferModel.BuildFromFile(file.toString());
      try (InterpreterBuilder builder = new InterpreterBuilder(model, resolver)) {
        builder.SetNumThreads(1);
        builder.apply(interpreter);
      }
      interpreter.AllocateTensors();
    }

    float[] run(float[] input, float[] output) {
      FloatPointer in = interpreter.typed_input_tensor_float(0);
      in.put(input);
      interpreter.Invoke();
      FloatPointer out = interpreter.typed_output_tensor_float(0);
      out.get(output);
      return output;
    }

    @Override
    public void close() {
      interpreter.close();
      resolver.close();
      model.close();
    }
  }
}
