package org.edgefleet.protocol.tensor.numpy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgefleet.protocol.tensor.numpy.NpyFiles.dict;
import static org.edgefleet.protocol.tensor.numpy.NpyFiles.fixture;
import static org.edgefleet.protocol.tensor.numpy.NpyFiles.floatsLe;
import static org.edgefleet.protocol.tensor.numpy.NpyFiles.npy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NpyTest {

  private static final long[] DIMS = {2, 1, 3, 2, 4};

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(DType.class)
  void everyDtypeRoundTripsAtRanksZeroToFive(DType dtype) throws IOException {
    for (int rank = 0; rank <= 5; rank++) {
      Tensor t = sample(dtype, Arrays.copyOf(DIMS, rank));
      Path file = dir.resolve(dtype.wireName() + "-" + rank + ".npy");
      Npy.write(file, t);

      NumpyArray back = Npy.read(file);

      assertThat(back.tensor()).isEqualTo(t);
      assertThat(back.name()).isEqualTo(dtype.wireName() + "-" + rank);
      assertThat(back.sourceDtype()).isEqualTo(NpyType.forDType(dtype).littleEndianDescr());
      assertThat(back.narrowed()).isFalse();
      assertThat(Files.size(file) % 64).as("data 64-byte aligned after the header")
          .isEqualTo(t.size() * (long) NpyType.forDType(dtype).size() % 64);
    }
  }

  @Test
  void writesTheBytesNumpyWrites() throws IOException {
    byte[] numpy = npy(1, dict("<f4", "(2, 3)"), floatsLe(1, 2, 3, 4, 5, 6));
    Path file = dir.resolve("a.npy");
    Npy.write(file, Tensor.ofFloats(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));

    assertThat(Files.readAllBytes(file)).isEqualTo(numpy);
    assertThat(numpy.length - 24).as("data starts on a 64-byte boundary").isEqualTo(128);
    assertThat(new String(numpy, 10, 118, java.nio.charset.StandardCharsets.ISO_8859_1))
        .startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }").endsWith(" \n");
  }

  @Test
  void readsFilesNumpyWrote() throws IOException {
    NumpyArray f8 = Npy.read(fixture("f8-2x3.npy"));
    assertThat(f8.tensor().dtype()).isEqualTo(DType.FLOAT32);
    assertThat(f8.tensor().shape()).containsExactly(2, 3);
    assertThat(f8.tensor().floats()).containsExactly(0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f);
    assertThat(f8.sourceDtype()).isEqualTo("<f8");
    assertThat(f8.narrowed()).isTrue();

    NumpyArray fortran = Npy.read(fixture("f4-fortran-2x3x4.npy"));
    float[] cOrder = new float[24];
    for (int i = 0; i < 24; i++) {
      cOrder[i] = i;
    }
    assertThat(fortran.tensor()).isEqualTo(Tensor.ofFloats(new long[] {2, 3, 4}, cOrder));

    NumpyArray bigEndian = Npy.read(fixture("u2-be-3.npy"));
    assertThat(bigEndian.sourceDtype()).isEqualTo(">u2");
    assertThat(bigEndian.tensor()).isEqualTo(Tensor.ofLongs(DType.INT32, new long[] {3}, new long[] {1, 2, 65535}));

    assertThat(Npy.read(fixture("b1-4.npy")).tensor())
        .isEqualTo(Tensor.ofLongs(DType.BOOL, new long[] {4}, new long[] {1, 0, 0, 1}));
    assertThat(Npy.read(fixture("i8-scalar.npy")).tensor())
        .isEqualTo(Tensor.ofLongs(DType.INT64, new long[0], new long[] {-7}));
  }

  @Test
  void readsVersionTwoAndThreeHeaders() throws IOException {
    byte[] v2 = npy(2, dict("<f4", "(3,)"), floatsLe(1, 2, 3));
    byte[] v3 = npy(3, "{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (2,), }",
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-1).putInt(7).array());

    assertThat(Npy.read("v2", new ByteArrayInputStream(v2), 1024).tensor())
        .isEqualTo(Tensor.ofFloats(new long[] {3}, new float[] {1, 2, 3}));
    assertThat(Npy.read("v3", new ByteArrayInputStream(v3), 1024).tensor())
        .isEqualTo(Tensor.ofLongs(DType.INT32, new long[] {2}, new long[] {-1, 7}));
  }

  @Test
  void mapsEveryAcceptedDescriptorOntoItsDtype() throws IOException {
    ByteBuffer be = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-2f);
    assertThat(read(dict(">f4", "(2,)"), be.array()).tensor().floats()).containsExactly(1.5f, -2f);
    assertThat(read(dict("=f4", "(1,)"), floatsLe(3)).tensor().floats()).containsExactly(3f);
    assertThat(read(dict("<f2", "(1,)"), new byte[] {0x00, 0x3c}).tensor())
        .isEqualTo(Tensor.ofFloats(DType.FLOAT16, new long[] {1}, new float[] {1f}));
    assertThat(read(dict("|i1", "(2,)"), new byte[] {-128, 127}).tensor())
        .isEqualTo(Tensor.ofLongs(DType.INT8, new long[] {2}, new long[] {-128, 127}));
    assertThat(read(dict("|u1", "(1,)"), new byte[] {(byte) 255}).tensor())
        .isEqualTo(Tensor.ofLongs(DType.UINT8, new long[] {1}, new long[] {255}));
    assertThat(read(dict("<i2", "(1,)"), new byte[] {0x00, (byte) 0x80}).tensor())
        .isEqualTo(Tensor.ofLongs(DType.INT32, new long[] {1}, new long[] {-32768}));
    assertThat(read(dict("<u4", "(1,)"), new byte[] {-1, -1, -1, -1}).tensor())
        .isEqualTo(Tensor.ofLongs(DType.INT64, new long[] {1}, new long[] {4294967295L}));
    assertThat(read(dict("<i8", "(1,)"), new byte[] {-2, -1, -1, -1, -1, -1, -1, -1}).tensor().longs())
        .containsExactly(-2L);
    assertThat(read("{'shape': (), 'fortran_order': True, 'descr': '<f4'}", floatsLe(9)).tensor())
        .isEqualTo(Tensor.ofFloats(new long[0], new float[] {9}));
    assertThat(read("{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 2L)}", floatsLe(1, 2)).tensor().shape())
        .containsExactly(1, 2);
  }

  @Test
  void reordersFortranArraysOfEveryRank() throws IOException {
    // Column-major 2x3: the file holds a[0,0] a[1,0] a[0,1] a[1,1] a[0,2] a[1,2].
    NumpyArray a = read("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", floatsLe(0, 3, 1, 4, 2, 5));
    assertThat(a.tensor().floats()).containsExactly(0, 1, 2, 3, 4, 5);

    NumpyArray empty = read("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 0, 3), }", new byte[0]);
    assertThat(empty.tensor().shape()).containsExactly(2, 0, 3);
  }

  private static NumpyArray read(String dict, byte[] data) throws IOException {
    return Npy.read("t", new ByteArrayInputStream(npy(1, dict, data)), 1 << 20);
  }

  static Tensor sample(DType dtype, long[] shape) {
    int n = (int) Tensor.elementCount(shape);
    if (dtype.isFloating()) {
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = (i % 2 == 0 ? -1 : 1) * (i + 0.5f) * (dtype == DType.FLOAT16 ? 1 : 1.001f);
      }
      return Tensor.ofFloats(dtype, shape, v);
    }
    long[] extremes = switch (dtype) {
      case INT64 -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1};
      case INT32 -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1};
      case INT8 -> new long[] {-128, 127, 0, -1};
      case UINT8 -> new long[] {0, 255, 1, 128};
      default -> new long[] {0, 1, 1, 0};
    };
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = extremes[i % extremes.length];
    }
    return Tensor.ofLongs(dtype, shape, v);
  }
}
