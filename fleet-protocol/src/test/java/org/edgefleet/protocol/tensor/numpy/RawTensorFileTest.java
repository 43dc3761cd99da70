package org.edgefleet.protocol.tensor.numpy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgefleet.protocol.tensor.numpy.NpyFiles.fixture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RawTensorFileTest {

  @TempDir
  Path dir;

  @Test
  void readsWhatNumpyToFileWrites() throws IOException {
    Tensor t = RawTensorFile.read(fixture("f4-3x4.raw"), DType.FLOAT32, new long[] {3, 4});
    assertThat(t.shape()).containsExactly(3, 4);
    assertThat(t.floats()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);

    List<Tensor> rows = RawTensorFile.readSamples(fixture("f4-3x4.raw"), DType.FLOAT32, new long[] {1, 4});
    assertThat(rows).hasSize(3);
    assertThat(rows.get(2)).isEqualTo(Tensor.ofFloats(new long[] {1, 4}, new float[] {8, 9, 10, 11}));
  }

  @ParameterizedTest
  @EnumSource(DType.class)
  void everyDtypeReadsBackLittleEndian(DType dtype) throws IOException {
    Tensor sample = NpyTest.sample(dtype, new long[] {2, 3});
    Path file = Files.write(dir.resolve("t.raw"), NpyType.forDType(dtype).encode(sample));
    assertThat(RawTensorFile.read(file, dtype, new long[] {2, 3})).isEqualTo(sample);
    assertThat(RawTensorFile.readSamples(file, dtype, new long[] {3}))
        .containsExactly(slice(sample, 0), slice(sample, 1));
  }

  @Test
  void readsScalarsAndEmptyTensors() throws IOException {
    Path one = Files.write(dir.resolve("s.raw"), ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).array());
    assertThat(RawTensorFile.read(one, DType.INT64, new long[0]))
        .isEqualTo(Tensor.ofLongs(DType.INT64, new long[0], new long[] {-5}));
    Path empty = Files.write(dir.resolve("e.raw"), new byte[0]);
    assertThat(RawTensorFile.read(empty, DType.FLOAT32, new long[] {0, 3}).shape()).containsExactly(0, 3);
  }

  @Test
  void refusesSizesThatDoNotMatchTheShapeSayingBoth() throws IOException {
    Path file = Files.write(dir.resolve("x.raw"), new byte[25]);
    assertThatThrownBy(() -> RawTensorFile.read(file, DType.INT32, new long[] {2, 3}))
        .isInstanceOf(InputFileException.class)
        .hasMessage(file + ": the file is 25 bytes but int32 [2, 3] needs exactly 24 (6 elements of 4 bytes):"
            + " check the shape and dtype given for it");
    assertThatThrownBy(() -> RawTensorFile.readSamples(file, DType.INT32, new long[] {2, 3}))
        .isInstanceOf(InputFileException.class)
        .hasMessageContaining("the file is 25 bytes, not a whole number of samples of 24 bytes (int32 [2, 3]): 1 samples would be 24 bytes");
    Path empty = Files.write(dir.resolve("none.raw"), new byte[0]);
    assertThatThrownBy(() -> RawTensorFile.readSamples(empty, DType.UINT8, new long[] {4}))
        .isInstanceOf(InputFileException.class).hasMessageContaining("the file is 0 bytes, not a whole number of samples");
    assertThatThrownBy(() -> RawTensorFile.readSamples(file, DType.UINT8, new long[] {0}))
        .isInstanceOf(InputFileException.class).hasMessageContaining("uint8 [0] has no elements, but the file is 25 bytes");
  }

  @Test
  void refusesShapesThatCannotBeAFileAndFilesOverTheLimit() throws IOException {
    Path file = Files.write(dir.resolve("x.raw"), new byte[64]);
    assertThatThrownBy(() -> RawTensorFile.read(file, DType.FLOAT32, new long[] {-1, 16}))
        .isInstanceOf(InputFileException.class).hasMessageContaining("shape [-1, 16] has a negative dimension");
    assertThatThrownBy(() -> RawTensorFile.read(file, DType.FLOAT32, new long[] {1L << 62, 8}))
        .isInstanceOf(InputFileException.class).hasMessageContaining("has more elements than 64 bits can count");
    assertThatThrownBy(() -> RawTensorFile.read(file, DType.INT64, new long[] {1L << 61}))
        .isInstanceOf(InputFileException.class).hasMessageContaining("needs more bytes than 64 bits can count");
    assertThatThrownBy(() -> RawTensorFile.readSamples(file, DType.UINT8, new long[] {8}, 32))
        .isInstanceOf(InputFileException.class).hasMessageContaining("the file is 64 bytes, over the limit of 32 bytes");
    Files.write(file, new byte[] {0, 1, 2, 1});
    assertThatThrownBy(() -> RawTensorFile.readSamples(file, DType.BOOL, new long[] {2}))
        .isInstanceOf(InputFileException.class).hasMessageContaining("x.raw sample 1: bool element 0 is byte 2");
  }

  private static Tensor slice(Tensor t, int row) {
    if (t.dtype().isFloating()) {
      float[] v = java.util.Arrays.copyOfRange(t.floats(), row * 3, row * 3 + 3);
      return Tensor.ofFloats(t.dtype(), new long[] {3}, v);
    }
    return Tensor.ofLongs(t.dtype(), new long[] {3}, java.util.Arrays.copyOfRange(t.longs(), row * 3, row * 3 + 3));
  }
}
