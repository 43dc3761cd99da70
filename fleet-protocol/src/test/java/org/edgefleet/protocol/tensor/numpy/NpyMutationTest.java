package org.edgefleet.protocol.tensor.numpy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.edgefleet.protocol.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded corruption of valid files (flipped, overwritten, cut or appended bytes): every outcome is
 * either an array or an InputFileException, never another exception and never a stray file.
 */
class NpyMutationTest {

  private static final int ROUNDS = 600;

  @TempDir
  Path dir;

  @Test
  void corruptNpyFilesAreReadOrRefusedCleanly() throws IOException {
    Path valid = dir.resolve("valid.npy");
    Npy.write(valid, NpyTest.sample(DType.FLOAT32, new long[] {3, 4}));
    int refused = mutate(Files.readAllBytes(valid), dir.resolve("m.npy"), f -> Npy.read(f, 1 << 20), new Random(6));
    assertThat(refused).isGreaterThan(ROUNDS / 2);
  }

  @Test
  void corruptNpzArchivesAreReadOrRefusedCleanly() throws IOException {
    Path stored = dir.resolve("s.npz");
    Path deflated = dir.resolve("d.npz");
    List<NumpyArray> arrays = List.of(NumpyArray.of("a", NpyTest.sample(DType.INT64, new long[] {5})),
        NumpyArray.of("b", NpyTest.sample(DType.FLOAT16, new long[] {2, 2})));
    Npz.write(stored, arrays);
    Npz.writeCompressed(deflated, arrays);
    int refused = mutate(Files.readAllBytes(stored), dir.resolve("m.npz"), f -> Npz.read(f, 1 << 20), new Random(7))
        + mutate(Files.readAllBytes(deflated), dir.resolve("m.npz"), f -> Npz.read(f, 1 << 20), new Random(8));
    assertThat(refused).isGreaterThan(ROUNDS / 2);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("s.npz", "d.npz", "m.npz");
    }
  }

  private interface Reader {
    Object read(Path file) throws IOException;
  }

  /** Returns how many mutants were refused; any exception other than InputFileException fails the test. */
  private static int mutate(byte[] valid, Path target, Reader reader, Random random) throws IOException {
    int refused = 0;
    for (int round = 0; round < ROUNDS; round++) {
      byte[] bytes = valid.clone();
      switch (random.nextInt(4)) {
        case 0 -> bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        case 1 -> {
          for (int i = 0; i < 1 + random.nextInt(4); i++) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
          }
        }
        case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
        default -> bytes = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(16));
      }
      Files.write(target, bytes);
      try {
        reader.read(target);
      } catch (InputFileException e) {
        refused++;
      } catch (IOException | RuntimeException e) {
        throw new AssertionError("round " + round + ": " + e + " instead of an InputFileException", e);
      }
    }
    return refused;
  }
}
