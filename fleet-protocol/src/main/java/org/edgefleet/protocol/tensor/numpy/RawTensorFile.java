package org.edgefleet.protocol.tensor.numpy;

import java.nio.Buffer;
import org.edgefleet.protocol.io.Streams;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Reads headerless tensor files: elements in C order, little-endian, each as wide as its dtype
 * (float32 4 bytes, float16 2, int64 8, int32 4, int8/uint8/bool 1; bool bytes 0 or 1), as
 * {@code a.astype('<f4').tofile(path)} writes them. With no header, the file's size is the only
 * check there is, so it must match exactly.
 */
public final class RawTensorFile {

  private RawTensorFile() {}

  /** One tensor of the given shape: the file must be exactly its element count times the element size. */
  public static Tensor read(Path file, DType dtype, long[] shape) throws IOException {
    return read(file, dtype, shape, Npy.DEFAULT_MAX_BYTES);
  }

  public static Tensor read(Path file, DType dtype, long[] shape, long maxBytes) throws IOException {
    NpyType type = NpyType.forDType(dtype);
    long tensorBytes = tensorBytes(file, dtype, shape);
    long size = Files.size(file);
    if (size != tensorBytes) {
      throw new InputFileException(file.toString(), "the file is " + size + " bytes but " + describe(dtype, shape)
          + " needs exactly " + tensorBytes + " (" + tensorBytes / type.size() + " elements of " + type.size()
          + " bytes): check the shape and dtype given for it");
    }
    return readSamples(file, dtype, shape, maxBytes).get(0);
  }

  /**
   * N consecutive samples of the given shape, one tensor each, in file order: the file must be
   * a whole, non-zero number of samples (a leading dimension of N, split).
   */
  public static List<Tensor> readSamples(Path file, DType dtype, long[] sampleShape) throws IOException {
    return readSamples(file, dtype, sampleShape, Npy.DEFAULT_MAX_BYTES);
  }

  public static List<Tensor> readSamples(Path file, DType dtype, long[] sampleShape, long maxBytes)
      throws IOException {
    String source = file.toString();
    NpyType type = NpyType.forDType(dtype);
    long sampleBytes = tensorBytes(file, dtype, sampleShape);
    long size = Files.size(file);
    if (size > maxBytes || size > Npy.MAX_JAVA_ARRAY) {
      throw new InputFileException(source, "the file is " + size + " bytes, over the limit of "
          + Math.min(maxBytes, Npy.MAX_JAVA_ARRAY) + " bytes; split it or raise the limit");
    }
    if (sampleBytes == 0) {
      if (size != 0) {
        throw new InputFileException(source, describe(dtype, sampleShape) + " has no elements, but the file is "
            + size + " bytes");
      }
      return List.of(type.decode(ByteBuffer.allocate(0), sampleShape.clone(), 0, source));
    }
    if (size == 0 || size % sampleBytes != 0) {
      throw new InputFileException(source, "the file is " + size + " bytes, not a whole number of samples of "
          + sampleBytes + " bytes (" + describe(dtype, sampleShape) + "): " + size / sampleBytes
          + " samples would be " + size / sampleBytes * sampleBytes + " bytes; check the shape and dtype given for it");
    }
    ByteBuffer data = ByteBuffer.wrap(readExactly(file, (int) size)).order(ByteOrder.LITTLE_ENDIAN);
    int count = (int) (sampleBytes / type.size());
    List<Tensor> samples = new ArrayList<>();
    for (long i = 0; i < size / sampleBytes; i++) {
      samples.add(type.decode(data, sampleShape.clone(), count, source + " sample " + i));
      ((Buffer) data).position((int) ((i + 1) * sampleBytes));
    }
    return List.copyOf(samples);
  }

  private static long tensorBytes(Path file, DType dtype, long[] shape) throws InputFileException {
    long count = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new InputFileException(file.toString(), "shape " + Arrays.toString(shape) + " has a negative dimension;"
            + " a raw file needs a fixed shape");
      }
      try {
        count = Math.multiplyExact(count, d);
      } catch (ArithmeticException e) {
        throw new InputFileException(file.toString(), "shape " + Arrays.toString(shape) + " has more elements than"
            + " 64 bits can count");
      }
    }
    try {
      return Math.multiplyExact(count, NpyType.forDType(dtype).size());
    } catch (ArithmeticException e) {
      throw new InputFileException(file.toString(), describe(dtype, shape) + " needs more bytes than 64 bits can count");
    }
  }

  /** The file may change between the size check and the read: read what was checked, and no more. */
  private static byte[] readExactly(Path file, int size) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      byte[] data = Streams.readUpTo(in, size);
      if (data.length != size || in.read() != -1) {
        throw new InputFileException(file.toString(), "the file changed size while being read");
      }
      return data;
    }
  }

  private static String describe(DType dtype, long[] shape) {
    return dtype.wireName() + " " + Arrays.toString(shape);
  }
}
