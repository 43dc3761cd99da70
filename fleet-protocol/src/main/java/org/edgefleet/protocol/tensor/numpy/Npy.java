package org.edgefleet.protocol.tensor.numpy;

import org.edgefleet.protocol.io.Streams;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0) without Python:
 * the header is parsed as data ({@link NpyHeader}), never evaluated, and object arrays (pickles)
 * are refused. Every size is checked against the header and the byte limit before anything is
 * allocated for the data. Format problems are {@link InputFileException}s naming the file.
 */
public final class Npy {

  /** Data bytes one array (or one .npz archive, all members together) may hold by default. */
  public static final long DEFAULT_MAX_BYTES = 1L << 30;
  /** NumPy's own reader refuses longer headers by default (max_header_size). */
  static final int MAX_HEADER_BYTES = 10_000;
  /** Tensors are backed by Java arrays, which hold at most about 2^31 elements. */
  static final int MAX_JAVA_ARRAY = Integer.MAX_VALUE - 8;
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int ALIGN = 64;

  private Npy() {}

  /** Reads a .npy file with the default byte limit; the array is named after the file's stem. */
  public static NumpyArray read(Path file) throws IOException {
    return read(file, DEFAULT_MAX_BYTES);
  }

  public static NumpyArray read(Path file, long maxBytes) throws IOException {
    long size = Files.size(file);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      return read(stem(file.getFileName().toString()), file.toString(), in, size, maxBytes, "the limit of " + maxBytes + " bytes");
    }
  }

  /** Reads one .npy from a stream, which must end where the data ends; name also names it in errors. */
  public static NumpyArray read(String name, InputStream in, long maxBytes) throws IOException {
    return read(name, name, in, -1, maxBytes, "the limit of " + maxBytes + " bytes");
  }

  /** Writes a tensor as a version 1.0 .npy file in C order (version 2.0 if the header needs it). */
  public static void write(Path file, Tensor tensor) throws IOException {
    writeAtomically(file, toBytes(tensor));
  }

  /**
   * The core reader. fileSize is the whole input's length when known (-1 for a stream), so that
   * a header that lies about the data is caught before any data is read; limitText names the
   * limit maxBytes comes from in a refusal.
   */
  static NumpyArray read(String name, String source, InputStream in, long fileSize, long maxBytes, String limitText)
      throws IOException {
    byte[] prefix = Streams.readUpTo(in, MAGIC.length + 2);
    if (prefix.length < MAGIC.length || !Streams.prefixEquals(prefix, MAGIC, MAGIC.length)) {
      throw new InputFileException(source, "not a .npy file: it starts with " + FileStart.describe(prefix));
    }
    if (prefix.length < MAGIC.length + 2) {
      throw new InputFileException(source, "file ends inside the .npy preamble (" + prefix.length + " bytes)");
    }
    int major = prefix[6] & 0xff;
    int minor = prefix[7] & 0xff;
    if (minor != 0 || major < 1 || major > 3) {
      throw new InputFileException(source, ".npy format version " + major + "." + minor
          + " is not supported (1.0, 2.0 and 3.0 are); save it again with np.save");
    }
    int lengthBytes = major == 1 ? 2 : 4;
    byte[] lengthField = Streams.readUpTo(in, lengthBytes);
    if (lengthField.length < lengthBytes) {
      throw new InputFileException(source, "file ends inside the .npy header length field");
    }
    long headerLength = 0;
    for (int i = lengthBytes - 1; i >= 0; i--) {
      headerLength = (headerLength << 8) | (lengthField[i] & 0xff);
    }
    if (headerLength > MAX_HEADER_BYTES) {
      throw new InputFileException(source, ".npy header length field says " + headerLength
          + " bytes, over the limit of " + MAX_HEADER_BYTES + " (NumPy's own); the file is corrupt or not written by np.save");
    }
    byte[] headerBytes = Streams.readUpTo(in, (int) headerLength);
    if (headerBytes.length < headerLength) {
      throw new InputFileException(source, "file ends inside the .npy header (" + headerBytes.length + " of "
          + headerLength + " bytes)");
    }
    Charset charset = major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
    NpyHeader header = NpyHeader.parse(new String(headerBytes, charset), source);
    int count = checkedCount(header, source, maxBytes, limitText);
    int dataBytes = count * header.type().size();
    String needs = "the header's shape " + shapeText(header.shape()) + " of '" + header.descr() + "' needs "
        + dataBytes + " data bytes";
    long dataOffset = MAGIC.length + 2 + lengthBytes + headerLength;
    if (fileSize >= 0 && fileSize != dataOffset + dataBytes) {
      throw new InputFileException(source, needs + " after the " + dataOffset + "-byte header, a file of "
          + (dataOffset + dataBytes) + " bytes, but the file is " + fileSize + " bytes ("
          + (fileSize < dataOffset + dataBytes ? "truncated" : "trailing bytes") + "): the header does not match the data");
    }
    byte[] data = readData(in, dataBytes, source, needs);
    if (in.read() != -1) {
      throw new InputFileException(source, needs + ", but more data follows (trailing bytes): the header does not match the data");
    }
    Tensor tensor = header.type().decode(ByteBuffer.wrap(data).order(header.order()), header.shape(), count, source);
    if (header.fortranOrder() && header.shape().length > 1) {
      tensor = FortranOrder.toCOrder(tensor);
    }
    return new NumpyArray(name, tensor, header.descr(), header.type().narrows());
  }

  private static int checkedCount(NpyHeader header, String source, long maxBytes, String limitText) throws InputFileException {
    long count = 1;
    long bytes;
    try {
      for (long d : header.shape()) {
        count = Math.multiplyExact(count, d);
      }
      bytes = Math.multiplyExact(count, header.type().size());
    } catch (ArithmeticException e) {
      throw new InputFileException(source, ".npy header field 'shape' " + shapeText(header.shape())
          + " has more elements than 64 bits can count: the header is corrupt");
    }
    if (bytes > maxBytes) {
      throw new InputTooLargeException(source, "the header's shape " + shapeText(header.shape()) + " of '"
          + header.descr() + "' needs " + bytes + " data bytes, over " + limitText + "; split the data into smaller arrays or raise the limit");
    }
    if (bytes > MAX_JAVA_ARRAY) {
      throw new InputFileException(source, "the header's shape " + shapeText(header.shape()) + " has " + count
          + " elements (" + bytes + " bytes); one array here holds at most " + MAX_JAVA_ARRAY + " bytes: split the data");
    }
    return (int) count;
  }

  /** Reads exactly n bytes, growing the buffer with what arrives so a lying header cannot make it allocate. */
  private static byte[] readData(InputStream in, int n, String source, String needs) throws IOException {
    byte[] buf = new byte[Math.min(n, 1 << 20)];
    int filled = 0;
    while (filled < n) {
      if (filled == buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
      }
      int r = in.read(buf, filled, buf.length - filled);
      if (r < 0) {
        throw new InputFileException(source, needs + ", but the data ends after " + filled + " bytes (truncated)");
      }
      filled += r;
    }
    return buf;
  }

  /** A tensor as the bytes of a .npy file, as {@link #write} writes them. */
  public static byte[] toBytes(Tensor tensor) {
    NpyType type = NpyType.forDType(tensor.dtype());
    String literal = NpyHeader.of(type, tensor.shape()).toLiteral();
    int major = MAGIC.length + 2 + 2 + literal.length() + 1 + ALIGN > 0xffff ? 2 : 1;
    int preamble = MAGIC.length + 2 + (major == 1 ? 2 : 4);
    // As np.save: pad with spaces and end with '\n' so the data starts on a 64-byte boundary.
    int pad = ALIGN - ((preamble + literal.length() + 1) % ALIGN);
    byte[] header = (literal + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(MAGIC, 0, MAGIC.length);
    out.write(major);
    out.write(0);
    for (int i = 0; i < (major == 1 ? 2 : 4); i++) {
      out.write((header.length >>> (8 * i)) & 0xff);
    }
    out.write(header, 0, header.length);
    byte[] data = type.encode(tensor);
    out.write(data, 0, data.length);
    return out.toByteArray();
  }

  /** Writes to a sibling temporary file and moves it into place: a failed write leaves nothing. */
  static void writeAtomically(Path file, byte[] content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.write(temp, content);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  static String shapeText(long[] shape) {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      b.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return b.append(shape.length == 1 ? ",)" : ")").toString();
  }

  private static String stem(String fileName) {
    return fileName.endsWith(".npy") && fileName.length() > 4 ? fileName.substring(0, fileName.length() - 4) : fileName;
  }
}
