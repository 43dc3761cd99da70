package org.edgefleet.protocol.tensor.numpy;

import org.edgefleet.protocol.io.Streams;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Reads and writes NumPy {@code .npz} archives: a zip of .npy members, stored (np.savez) or
 * deflated (np.savez_compressed). The byte limit covers all members together and is enforced on
 * the bytes actually inflated, never on the sizes the archive claims, so a zip bomb stops at the
 * limit. Members must be uniquely named {@code NAME.npy} with no path in the name.
 */
public final class Npz {

  /** More members than this is not a set of model inputs but an attack on the reader. */
  static final int MAX_MEMBERS = 4096;

  private Npz() {}

  /** The archive's arrays in archive order, read with {@link Npy#DEFAULT_MAX_BYTES}. */
  public static List<NumpyArray> read(Path file) throws IOException {
    return read(file, Npy.DEFAULT_MAX_BYTES);
  }

  public static List<NumpyArray> read(Path file, long maxBytes) throws IOException {
    String source = file.toString();
    byte[] start;
    try (InputStream in = Files.newInputStream(file)) {
      start = Streams.readUpTo(in, 8);
    }
    requireZipStart(source, start);
    try (ZipFile zip = open(file)) {
      if (zip.size() > MAX_MEMBERS) {
        throw new InputFileException(source, "the archive has " + zip.size() + " members, more than the "
            + MAX_MEMBERS + " an .npz of model inputs is allowed; put the arrays in several files");
      }
      Members members = new Members(source, maxBytes);
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        members.read(entry, zip.getInputStream(entry));
      }
      return members.arrays();
    }
  }

  /**
   * The arrays of an archive held in memory (a request body), in archive order, read from the
   * members' local headers as they stream; the same checks and byte limit as a file's.
   *
   * @param source names the archive in refusals
   */
  public static List<NumpyArray> read(String source, byte[] archive, long maxBytes) throws IOException {
    requireZipStart(source, Arrays.copyOf(archive, Math.min(8, archive.length)));
    Members members = new Members(source, maxBytes);
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
      for (ZipEntry entry; (entry = nextEntry(zip, source)) != null; ) {
        if (members.count() == MAX_MEMBERS) {
          throw new InputFileException(source, "the archive has more than the " + MAX_MEMBERS
              + " members an .npz of model inputs is allowed; put the arrays in several files");
        }
        members.read(entry, zip);
      }
    }
    return members.arrays();
  }

  /** The arrays' tensors by name, in archive order. */
  public static Map<String, Tensor> tensors(List<NumpyArray> arrays) {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    arrays.forEach(a -> tensors.put(a.name(), a.tensor()));
    return tensors;
  }

  private static void requireZipStart(String source, byte[] start) throws InputFileException {
    if (start.length < 4 || start[0] != 'P' || start[1] != 'K' || start[2] != 3 || start[3] != 4) {
      throw new InputFileException(source, "not an .npz file (a zip archive): it starts with " + FileStart.describe(start));
    }
  }

  private static ZipEntry nextEntry(ZipInputStream zip, String source) throws InputFileException {
    try {
      return zip.getNextEntry();
    } catch (IOException e) {
      throw new InputFileException(source, "not a readable zip archive (" + e + "); write it with np.savez", e);
    }
  }

  /** The members read so far: unique names, one byte budget for all. */
  private static final class Members {
    private final String source;
    private final long maxBytes;
    private final Budget budget;
    private final List<NumpyArray> arrays = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();

    Members(String source, long maxBytes) {
      this.source = source;
      this.maxBytes = maxBytes;
      this.budget = new Budget(maxBytes);
    }

    int count() {
      return arrays.size();
    }

    void read(ZipEntry entry, InputStream data) throws IOException {
      String member = source + " member '" + entry.getName().replaceAll("\\p{Cntrl}", "?") + "'";
      String name = arrayName(entry, member);
      if (!seen.add(name)) {
        throw new InputFileException(member, "the archive holds two members named '" + entry.getName()
            + "': which one is meant cannot be told; write the archive again with unique names");
      }
      long left = budget.left();
      // Not closed here: a ZipInputStream's members end where the next begins.
      InputStream in = budget.count(data, member);
      try {
        arrays.add(Npy.read(name, member, in, -1, left, "the " + left + " bytes left of the archive's limit of " + maxBytes));
      } catch (InputFileException e) {
        throw e;
      } catch (IOException e) {
        // The inflater's and the zip reader's own complaints: bad CRC, deflate data ending early.
        throw new InputFileException(member, "the member cannot be unpacked (" + e + "): the archive is corrupt", e);
      }
    }

    List<NumpyArray> arrays() throws InputFileException {
      if (arrays.isEmpty()) {
        throw new InputFileException(source, "the archive holds no arrays");
      }
      return List.copyOf(arrays);
    }
  }

  private static ZipFile open(Path file) throws InputFileException {
    try {
      return new ZipFile(file.toFile());
    } catch (IOException e) {
      throw new InputFileException(file.toString(), "not a readable zip archive (" + e + "); write it with np.savez", e);
    }
  }

  /** Writes the arrays stored (uncompressed), as np.savez does, in list order. */
  public static void write(Path file, List<NumpyArray> arrays) throws IOException {
    Npy.writeAtomically(file, archive(arrays, false));
  }

  /** Writes the arrays deflated, as np.savez_compressed does, in list order. */
  public static void writeCompressed(Path file, List<NumpyArray> arrays) throws IOException {
    Npy.writeAtomically(file, archive(arrays, true));
  }

  /** Writes named tensors stored, in the map's iteration order. */
  public static void write(Path file, Map<String, Tensor> arrays) throws IOException {
    Npy.writeAtomically(file, toBytes(arrays));
  }

  private static String arrayName(ZipEntry entry, String member) throws InputFileException {
    String entryName = entry.getName();
    if (entry.isDirectory() || !entryName.endsWith(".npy")) {
      throw new InputFileException(member, "not an .npy member: an .npz holds only NAME.npy members"
          + " (as np.savez writes them)");
    }
    String name = entryName.substring(0, entryName.length() - 4);
    String problem = NumpyArray.nameProblem(name);
    if (problem != null) {
      throw new InputFileException(member, problem);
    }
    return name;
  }

  /** Named tensors as the bytes of a stored .npz, in the map's iteration order. */
  public static byte[] toBytes(Map<String, Tensor> arrays) {
    List<NumpyArray> list = new ArrayList<>();
    arrays.forEach((name, tensor) -> list.add(NumpyArray.of(name, tensor)));
    try {
      return archive(list, false);
    } catch (IOException e) {
      throw new IllegalStateException("writing an npz in memory failed", e);
    }
  }

  private static byte[] archive(List<NumpyArray> arrays, boolean compress) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Writer writer = new Writer(bytes, compress)) {
      for (NumpyArray array : arrays) {
        writer.add(array.name(), array.tensor());
      }
    }
    return bytes.toByteArray();
  }

  /**
   * Writes an archive member by member to a stream, so an archive of any size needs the memory of
   * one member only (a dataset export streams this way). Closing it finishes the archive and
   * closes the stream.
   */
  public static final class Writer implements AutoCloseable {
    private final ZipOutputStream zip;
    private final boolean compress;
    private final Set<String> names = new HashSet<>();

    /** A writer of stored members (np.savez) or deflated ones (np.savez_compressed). */
    public Writer(OutputStream out, boolean compress) {
      this.zip = new ZipOutputStream(out);
      this.compress = compress;
    }

    /** Appends one array; its name must be one an .npz member may have and not used before. */
    public void add(String name, Tensor tensor) throws IOException {
      NumpyArray.checkName(name);
      if (!names.add(name)) {
        throw new IllegalArgumentException("two arrays are named '" + name + "'");
      }
      byte[] npy = Npy.toBytes(tensor);
      ZipEntry entry = new ZipEntry(name + ".npy");
      if (!compress) {
        CRC32 crc = new CRC32();
        crc.update(npy);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(npy.length);
        entry.setCompressedSize(npy.length);
        entry.setCrc(crc.getValue());
      }
      zip.putNextEntry(entry);
      zip.write(npy);
      zip.closeEntry();
    }

    @Override
    public void close() throws IOException {
      zip.close();
    }
  }

  /** The archive's byte limit, charged with every byte inflated from any member. */
  private static final class Budget {
    private final long limit;
    private long used;

    Budget(long limit) {
      this.limit = limit;
    }

    long left() {
      return limit - used;
    }

    /** The member's bytes, stopping with a refusal once the archive's total passes the limit. */
    InputStream count(InputStream member, String source) {
      return new FilterInputStream(member) {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          // One byte past the budget is enough to tell it is passed; no limit (Long.MAX_VALUE) must not overflow.
          long room = left() == Long.MAX_VALUE ? len : left() + 1;
          int n = super.read(b, off, (int) Math.min(len, room));
          if (n > 0) {
            used += n;
            if (used > limit) {
              throw new InputTooLargeException(source, "the archive unpacks to more than the limit of " + limit
                  + " bytes (a zip bomb, or data that needs a higher limit)");
            }
          }
          return n;
        }
      };
    }
  }
}
