package org.edgefleet.protocol.tensor.numpy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz targets for the .npy and .npz readers: whatever the bytes, reading ends in arrays or an
 * {@link InputFileException} naming the file, never another exception (an IOException of another
 * kind, an IndexOutOfBounds, an OutOfMemoryError from a size that lies). The committed inputs
 * under {@code NumpyFuzzTestInputs} (NumPy-made fixtures) replay in every build.
 */
class NumpyFuzzTest {

  /** Small enough that a lying header is refused by the budget, not by running out of heap. */
  static final long MAX_BYTES = 1 << 20;

  @FuzzTest(maxDuration = "10s")
  void npy(byte[] bytes) throws IOException {
    try {
      Npy.read("fuzz.npy", new ByteArrayInputStream(bytes), MAX_BYTES);
    } catch (InputFileException expected) {
      // refused with a reason naming the file
    }
  }

  @FuzzTest(maxDuration = "10s")
  void npz(byte[] bytes) throws IOException {
    Path file = Files.createTempFile("fuzz", ".npz");
    try {
      Files.write(file, bytes);
      Npz.read(file, MAX_BYTES);
    } catch (InputFileException expected) {
      // refused with a reason naming the file and member
    } finally {
      Files.delete(file);
    }
  }
}
