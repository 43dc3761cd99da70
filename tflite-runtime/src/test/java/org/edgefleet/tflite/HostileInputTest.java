package org.edgefleet.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that are not models and inputs that do not fit: refused with a message, never a crash. */
class HostileInputTest {

  @TempDir Path dir;

  @BeforeAll
  static void natives() throws TfliteException {
    TestModels.loadNatives();
  }

  @Test
  void anOnnxFileOrRandomBytesAreNotTfliteModels() throws Exception {
    byte[] random = new byte[4096];
    new Random(1).nextBytes(random);
    for (Path p : new Path[] {TestModels.onnx(TestModels.EMBEDDING), Files.write(dir.resolve("random.tflite"), random),
        Files.write(dir.resolve("empty.tflite"), new byte[0])}) {
      assertThatThrownBy(() -> TfliteFile.open(p)).isInstanceOf(TfliteException.class)
          .hasMessageContaining(p.getFileName().toString()).hasMessageContaining("not a TensorFlow Lite model");
    }
  }

  @Test
  void truncatedOrCorruptedModelsFailVerification() throws Exception {
    byte[] model = Files.readAllBytes(TestModels.tflite(TestModels.EMBEDDING));
    Path half = Files.write(dir.resolve("half.tflite"), Arrays.copyOf(model, model.length / 2));
    Path head = Files.write(dir.resolve("head.tflite"), Arrays.copyOf(model, 64));
    byte[] corrupt = model.clone();
    for (int i = 8; i < 72; i++) {
      corrupt[i] = (byte) 0xff;
    }
    Path scrambled = Files.write(dir.resolve("scrambled.tflite"), corrupt);
    for (Path p : new Path[] {half, head, scrambled}) {
      assertThatThrownBy(() -> TfliteFile.open(p)).isInstanceOf(TfliteException.class)
          .hasMessageContaining(p.getFileName().toString()).hasMessageContaining("truncated or corrupt");
    }
  }

  @Test
  void inputsOfTheWrongNameTypeShapeOrRangeAreRefusedAndTheInterpreterStaysUsable() throws Exception {
    try (TfliteFile file = TfliteFile.open(Files.write(dir.resolve("int8.tflite"), TfliteModelWriter.int8FullyConnected()));
        TfliteInterpreter it = file.newInterpreter(TfliteOptions.DEFAULT)) {
      Tensor good = Tensor.ofLongs(DType.INT8, new long[] {1, 4}, new long[] {1, 2, 3, 4});
      assertThatThrownBy(() -> it.run(Map.of("x", good))).hasMessageContaining("takes inputs [q_in]");
      assertThatThrownBy(() -> it.run(Map.of("q_in", good, "extra", good))).hasMessageContaining("takes inputs [q_in]");
      assertThatThrownBy(() -> it.run(Map.of("q_in", Tensor.row(1, 2, 3, 4))))
          .hasMessageContaining("'q_in' is int8 in the model but float32 was given");
      assertThatThrownBy(() -> it.run(Map.of("q_in", Tensor.ofLongs(DType.INT8, new long[] {1, 5}, new long[5]))))
          .hasMessageContaining("shape [-1, 4]").hasMessageContaining("[1, 5]");
      assertThatThrownBy(() -> it.run(Map.of("q_in", Tensor.ofLongs(DType.INT8, new long[] {4}, new long[4]))))
          .hasMessageContaining("shape [-1, 4]");
      assertThatThrownBy(() -> it.run(Map.of("q_in", Tensor.ofLongs(DType.INT8, new long[] {1, 4}, new long[] {1, 200, 3, 4}))))
          .hasMessageContaining("value 200 at index 1 is outside the range of int8 [-128, 127]");
      assertThat(it.run(Map.of("q_in", good)).get("q_out").longs())
          .containsExactly(TfliteModelWriter.int8Reference(good.longs()));
    }
  }

  @Test
  void anElementTypeBundlesCannotDescribeIsUnsupportedNamingTheTensor() throws Exception {
    try (TfliteFile file = TfliteFile.open(Files.write(dir.resolve("int16.tflite"), TfliteModelWriter.int16Input()))) {
      assertThatThrownBy(() -> file.newInterpreter(TfliteOptions.DEFAULT))
          .isInstanceOfSatisfying(TfliteException.class, e -> assertThat(e.isUnsupported()).isTrue())
          .hasMessageContaining("input 'pcm' has element type INT16");
    }
  }

  @Test
  void quantizationParametersAreChecked() {
    assertThatThrownBy(() -> QuantParams.perTensor(0f, 0)).hasMessageContaining("scale 0.0 is not a positive");
    assertThatThrownBy(() -> new QuantParams(new float[] {0.1f, 0.2f}, new long[] {0}, 0)).hasMessageContaining("as many zero points");
    assertThatThrownBy(() -> QuantParams.perTensor(0.1f, 300).check("t", DType.INT8, new long[] {4}))
        .hasMessageContaining("zero point 300, outside the range of int8");
    assertThatThrownBy(() -> new QuantParams(new float[] {0.1f, 0.2f}, new long[] {0, 0}, 1).check("w", DType.INT8, new long[] {2, 3}))
        .hasMessageContaining("2 scales along axis 1 but shape [2, 3]");
  }
}
