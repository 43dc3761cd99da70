package org.edgefleet.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator's input sources as the command line names them, and bad input files named. */
class InputsTest {

  @TempDir Path dir;

  @Test
  void sourcesAreNamedAsOnTheCommandLine() throws Exception {
    assertThat(Inputs.parse("motor")).isInstanceOf(Inputs.Motor.class);
    assertThat(Inputs.parse("test-vectors")).isInstanceOf(Inputs.TestVectors.class);
    Files.writeString(dir.resolve("b.json"), "{\"x\": {\"dtype\": \"float32\", \"shape\": [1, 2], \"data\": [3, 4]}}");
    Files.writeString(dir.resolve("a.json"), "{\"x\": {\"dtype\": \"int64\", \"shape\": [2], \"data\": [1, 2]}}");
    Files.writeString(dir.resolve("notes.txt"), "not an input");
    Inputs.TensorFiles files = (Inputs.TensorFiles) Inputs.parse("files:" + dir);
    assertThat(files.calls()).hasSize(2);
    InputSource source = files.open(DeviceProfile.defaultProfile(), 1, "x");
    Tensor first = source.next(null, Map.of()).orElseThrow().get("x");
    assertThat(first.longs()).containsExactly(1, 2);
    assertThat(source.next(null, Map.of()).orElseThrow().get("x").floats()).containsExactly(3, 4);
    assertThat(source.next(null, Map.of()).orElseThrow().get("x")).isEqualTo(first);
  }

  @Test
  void badSourcesAndFilesAreNamed() throws Exception {
    assertThatThrownBy(() -> Inputs.parse("random")).hasMessageContaining("motor, test-vectors, files:DIR");
    assertThatThrownBy(() -> Inputs.parse("files:" + dir.resolve("missing"))).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> Inputs.parse("files:" + dir)).hasMessageContaining("holds no *.json tensor files");
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"x\": {\"dtype\": \"float32\", \"shape\": [3], \"data\": [1]}}");
    assertThatThrownBy(() -> Inputs.parse("files:" + dir)).hasMessageContaining(bad.toString());
  }
}
