package org.edgefleet.agent.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.edgefleet.agent.inference.InferenceException;
import org.edgefleet.agent.inference.ModelSession;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.tflite.OnnxTwin;
import org.edgefleet.tflite.TestModels;
import org.edgefleet.tflite.TfliteModelWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine on the published embedding model and on written models, checked against independent references. */
class TfliteEngineTest {

  static final TensorSpec EMBED_IN = new TensorSpec("input_1", DType.FLOAT32, List.of(-1L, 76L, 32L, 1L));
  static final TensorSpec EMBED_OUT = new TensorSpec("conv2d_19", DType.FLOAT32, List.of(-1L, 1L, 1L, 96L));

  @TempDir Path dir;

  TfliteEngine engine(int interpreters) {
    return new TfliteEngine(dir.resolve("native"), new TfliteSettings(1, true, interpreters));
  }

  Manifest manifest(Path model, List<TensorSpec> in, List<TensorSpec> out) throws Exception {
    return TfliteBundles.manifest("embedding", 1, Files.readAllBytes(model), in, out, null, "k1");
  }

  @Test
  void servesThePublishedModelAsOnnxRuntimeServesItsOnnxTwin() throws Exception {
    Path model = TestModels.tflite(TestModels.EMBEDDING);
    try (ModelSession session = engine(2).open(model, manifest(model, List.of(EMBED_IN), List.of(EMBED_OUT)));
        OnnxTwin twin = new OnnxTwin(TestModels.onnx(TestModels.EMBEDDING))) {
      for (int batch : new int[] {1, 4, 1}) {
        Tensor x = OnnxTwin.input(TestModels.EMBEDDING, new long[] {batch, 76, 32, 1}, batch);
        Tensor expected = twin.run(x);
        Map<String, Tensor> out = session.run(Map.of("input_1", x));
        assertThat(out).containsOnlyKeys("conv2d_19");
        assertThat(OnnxTwin.maxAbsDiff(out.get("conv2d_19"), expected)).isLessThan(1e-4 * OnnxTwin.maxAbs(expected));
      }
    }
  }

  @Test
  void concurrentCallersGetWhatASerialCallerGets() throws Exception {
    Path model = TestModels.tflite(TestModels.EMBEDDING);
    int threads = 4;
    int calls = 25;
    List<Tensor> inputs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      inputs.add(OnnxTwin.input(TestModels.EMBEDDING, new long[] {1 + i % 3, 76, 32, 1}, 100 + i));
    }
    try (ModelSession session = engine(3).open(model, manifest(model, List.of(EMBED_IN), List.of(EMBED_OUT)))) {
      List<Tensor> serial = new ArrayList<>();
      for (Tensor x : inputs) {
        serial.add(session.run(Map.of("input_1", x)).get("conv2d_19"));
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int offset = t;
          futures.add(pool.submit(() -> {
            for (int c = 0; c < calls; c++) {
              int i = (c + offset) % inputs.size();
              assertThat(session.run(Map.of("input_1", inputs.get(i))).get("conv2d_19")).isEqualTo(serial.get(i));
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      // Four callers on a pool of at most three: it grew past one and never past its bound.
      assertThat(((TfliteSession) session).interpreters()).isBetween(2, 3);
    }
  }

  @Test
  void quantizedInputsAndOutputsKeepTheirIntegerTypes() throws Exception {
    Path model = Files.write(dir.resolve("int8.tflite"), TfliteModelWriter.int8FullyConnected());
    TensorSpec in = new TensorSpec("q_in", DType.INT8, List.of(-1L, 4L));
    TensorSpec out = new TensorSpec("q_out", DType.INT8, List.of(-1L, 3L));
    try (ModelSession session = engine(1).open(model, manifest(model, List.of(in), List.of(out)))) {
      long[] q = {-128, 0, 57, 127};
      Tensor result = session.run(Map.of("q_in", Tensor.ofLongs(DType.INT8, new long[] {1, 4}, q))).get("q_out");
      long[] expected = TfliteModelWriter.int8Reference(q);
      for (int o = 0; o < 3; o++) {
        assertThat(Math.abs(result.longs()[o] - expected[o])).isLessThanOrEqualTo(1);
      }
    }
  }

  @Test
  void aManifestThatDisagreesWithTheModelIsRefusedNamingTheTensor() throws Exception {
    Path model = TestModels.tflite(TestModels.EMBEDDING);
    refused(engine(1), model, manifest(model, List.of(new TensorSpec("audio", DType.FLOAT32, List.of(-1L, 76L, 32L, 1L))),
        List.of(EMBED_OUT)), "model has no input 'audio' (it has [input_1])");
    refused(engine(1), model, manifest(model, List.of(new TensorSpec("input_1", DType.UINT8, List.of(-1L, 76L, 32L, 1L))),
        List.of(EMBED_OUT)), "input 'input_1' is float32 in the model but uint8 in the manifest");
    refused(engine(1), model, manifest(model, List.of(new TensorSpec("input_1", DType.FLOAT32, List.of(-1L, 2432L))),
        List.of(EMBED_OUT)), "input 'input_1' has shape [-1, 76, 32, 1] in the model but [-1, 2432] in the manifest");
  }

  @Test
  void filesThatAreNotModelsAreRefusedAsBrokenNotAsUnsupported() throws Exception {
    Path onnx = TestModels.onnx(TestModels.EMBEDDING);
    byte[] tflite = Files.readAllBytes(TestModels.tflite(TestModels.EMBEDDING));
    Path truncated = Files.write(dir.resolve("truncated.tflite"), java.util.Arrays.copyOf(tflite, tflite.length / 3));
    for (Path p : new Path[] {onnx, truncated}) {
      assertThatThrownBy(() -> engine(1).open(p, manifest(p, List.of(EMBED_IN), List.of(EMBED_OUT))))
          .isInstanceOfSatisfying(InferenceException.class, e -> assertThat(e.isUnsupported()).isFalse())
          .hasMessageContaining(p.getFileName().toString());
    }
  }

  private static void refused(TfliteEngine engine, Path model, Manifest manifest, String message) {
    assertThatThrownBy(() -> engine.open(model, manifest)).isInstanceOf(InferenceException.class).hasMessageContaining(message);
  }
}
