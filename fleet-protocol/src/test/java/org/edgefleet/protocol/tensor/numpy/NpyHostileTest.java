package org.edgefleet.protocol.tensor.numpy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgefleet.protocol.tensor.numpy.NpyFiles.dict;
import static org.edgefleet.protocol.tensor.numpy.NpyFiles.fixture;
import static org.edgefleet.protocol.tensor.numpy.NpyFiles.floatsLe;
import static org.edgefleet.protocol.tensor.numpy.NpyFiles.npy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that lie, overflow, end early, run on, or are something else: each refused, naming why. */
class NpyHostileTest {

  @TempDir
  Path dir;

  @Test
  void refusesFilesThatAreNotNpy() throws IOException {
    Path zip = dir.resolve("x.npy");
    Npz.write(zip, java.util.List.of(NumpyArray.of("a", Tensor.row(1f))));
    refusedFile(zip).hasMessageContaining("not a .npy file: it starts with 50 4b 03 04").hasMessageContaining("zip archive");

    Path onnx = dir.resolve("model.npy");
    Files.write(onnx, new byte[] {0x08, 0x07, 0x12, 0x07, 'p', 'y', 't', 'o', 'r', 'c', 'h'});
    refusedFile(onnx).hasMessageContaining("it starts with 08 07 12 07").hasMessageContaining("ONNX model");

    Path empty = dir.resolve("empty.npy");
    Files.write(empty, new byte[0]);
    refusedFile(empty).hasMessageContaining("empty.npy: not a .npy file: it starts with nothing (the file is empty)");
  }

  @Test
  void refusesHeadersThatLieAboutTheData() throws IOException {
    Path truncated = write("t.npy", npy(1, dict("<f4", "(2, 3)"), floatsLe(1, 2)));
    refusedFile(truncated).hasMessageContaining("shape (2, 3) of '<f4' needs 24 data bytes")
        .hasMessageContaining("after the 128-byte header, a file of 152 bytes, but the file is 136 bytes (truncated)");

    Path trailing = write("l.npy", npy(1, dict("<f4", "(1,)"), floatsLe(1, 2)));
    refusedFile(trailing).hasMessageContaining("needs 4 data bytes").hasMessageContaining("a file of 132 bytes, but the file is 136 bytes (trailing bytes)");

    refused(npy(1, dict("<f4", "(2, 3)"), floatsLe(1, 2))).hasMessageContaining("but the data ends after 8 bytes (truncated)");
    refused(npy(1, dict("<f4", "(1,)"), floatsLe(1, 2))).hasMessageContaining("but more data follows (trailing bytes)");
    refused(NpyFiles.raw(1, 200, "{'descr': '<f4'".getBytes(StandardCharsets.ISO_8859_1), new byte[0]))
        .hasMessageContaining("file ends inside the .npy header (15 of 200 bytes)");
    refused(Arrays.copyOf(npy(1, dict("<f4", "(1,)"), floatsLe(1)), 9)).hasMessageContaining("inside the .npy header length");
  }

  @Test
  void refusesShapesThatOverflowOrExceedTheLimitBeforeAllocating() {
    refused(npy(1, dict("<f4", "(4611686018427387904, 8)"), new byte[0]))
        .hasMessageContaining("'shape' (4611686018427387904, 8) has more elements than 64 bits can count");
    refused(npy(1, dict("|u1", "(99999999999999999999,)"), new byte[0]))
        .hasMessageContaining("dimension 99999999999999999999, beyond 64 bits");
    // 10^12 float32 elements: 4 TB claimed by an 88-byte file; refused on the header, nothing allocated.
    refused(npy(1, dict("<f4", "(1000000, 1000000)"), new byte[0]))
        .hasMessageContaining("needs 4000000000000 data bytes, over the limit of 1048576 bytes");
    assertThatThrownBy(() -> Npy.read("big", new ByteArrayInputStream(npy(1, dict("<i8", "(300000000,)"), new byte[0])), Long.MAX_VALUE))
        .isInstanceOf(InputFileException.class).hasMessageContaining("one array here holds at most");
    // Under the limit yet far more than the stream holds: the buffer grows with the data, so this fails fast.
    refused(npy(1, dict("<f4", "(200000,)"), new byte[10]), 1L << 30).hasMessageContaining("the data ends after 10 bytes");
  }

  @Test
  void refusesMalformedHeaderDicts() {
    refused(npy(1, dict("<f4", "(2, -3)"), new byte[0])).hasMessageContaining("'shape' has a negative dimension -3");
    refused(npy(1, dict("<f4", "(2.5,)"), new byte[0])).hasMessageContaining("'shape' has '2.5' where a non-negative integer");
    refused(npy(1, dict("<f4", "('a',)"), new byte[0])).hasMessageContaining("'shape' has ''a''");
    refused(npy(1, dict("<f4", "(3)"), new byte[0])).hasMessageContaining("is (3), a number, not a tuple: one dimension is written (3,)");
    refused(npy(1, dict("<f4", "[2, 3]"), new byte[0])).hasMessageContaining("expected '('");
    refused(npy(1, "{'descr': '<f4', 'shape': (1,)}", floatsLe(1))).hasMessageContaining("key 'fortran_order' is missing");
    refused(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", floatsLe(1)))
        .hasMessageContaining("unknown key 'extra'");
    refused(npy(1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", floatsLe(1)))
        .hasMessageContaining("key 'descr' appears twice");
    refused(npy(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", floatsLe(1)))
        .hasMessageContaining("'fortran_order' must be True or False, found '0");
    refused(npy(1, dict("<f4", "(1,)") + " __import__('os')", floatsLe(1))).hasMessageContaining("text after the closing '}'");
    refused(NpyFiles.raw(1, 60000, new byte[0], new byte[0])).hasMessageContaining("header length field says 60000 bytes, over the limit of 10000");
    refused(NpyFiles.raw(4, 10, new byte[0], new byte[0])).hasMessageContaining(".npy format version 4.0 is not supported");
  }

  @Test
  void refusesElementTypesItCannotHoldAndSaysWhy() throws IOException {
    refusedFile(fixture("object.npy")).hasMessageContaining("'descr' is '|O': object arrays are Python pickles, which this reader never loads");
    refused(npy(1, dict("<u8", "(1,)"), new byte[8])).hasMessageContaining("uint64 does not fit int64");
    refused(npy(1, dict("<c16", "(1,)"), new byte[16])).hasMessageContaining("complex numbers are not supported");
    refused(npy(1, dict("<U5", "(1,)"), new byte[20])).hasMessageContaining("strings are not supported");
    refused(npy(1, dict("<M8[ns]", "(1,)"), new byte[8])).hasMessageContaining("datetime");
    refused(npy(1, dict("<f16", "(1,)"), new byte[16])).hasMessageContaining("only float16, float32 and float64");
    refused(npy(1, dict("|f4", "(1,)"), new byte[4])).hasMessageContaining("byte order '|' (not applicable) only fits one-byte types");
    refused(npy(1, dict("f4", "(1,)"), new byte[4])).hasMessageContaining("expected a byte order");
    refused(npy(1, "{'descr': [('x', '<f4'), ('y', '<i4')], 'fortran_order': False, 'shape': (1,), }", new byte[8]))
        .hasMessageContaining("structured (record) arrays are not supported");
  }

  @Test
  void refusesValuesTheTargetTypeCannotHold() {
    ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.0).putDouble(1e300);
    refused(npy(1, dict("<f8", "(2,)"), huge.array())).hasMessageContaining("float64 element 1 (1.0E300) is outside float32's range");
    refused(npy(1, dict("|b1", "(2,)"), new byte[] {1, 7})).hasMessageContaining("bool element 1 is byte 7, not 0 or 1");
  }

  @Test
  void aWriteThatFailsLeavesNoFile() throws IOException {
    Path file = dir.resolve("bad.npy");
    assertThatThrownBy(() -> Npy.write(file, Tensor.ofLongs(DType.INT8, new long[] {2}, new long[] {1, 300})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int8 tensor element 1 is 300, outside -128..127");
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(byte[] bytes) {
    return refused(bytes, 1 << 20);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(byte[] bytes, long maxBytes) {
    return assertThatThrownBy(() -> Npy.read("in.npy", new ByteArrayInputStream(bytes), maxBytes))
        .isInstanceOf(InputFileException.class).hasMessageStartingWith("in.npy: ");
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refusedFile(Path file) {
    return assertThatThrownBy(() -> Npy.read(file)).isInstanceOf(InputFileException.class)
        .hasMessageStartingWith(file.toString());
  }
}
