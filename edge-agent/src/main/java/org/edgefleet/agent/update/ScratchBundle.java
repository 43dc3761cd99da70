package org.edgefleet.agent.update;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.trust.Sha256;

/**
 * The bundle being downloaded, as one file of the bundle's size that each chunk is written into at
 * its offset, the only copy of the bundle's bytes before they are extracted into a slot. Beside it a
 * map of one byte per chunk says which chunks were written, so a download survives a restart.
 *
 * <p>Neither file is synced per chunk (that would cost a disk flush per 64 KiB): the map may claim
 * a chunk whose data a power loss took. Such a file fails the bundle's digest at verification, and
 * {@link #damaged} then finds the chunks to fetch again. Not thread-safe: runs on the agent loop.
 */
final class ScratchBundle implements Closeable {

  private static final byte WRITTEN = 1;

  private final BundleRef ref;
  private final Path file;
  private final Path mapFile;
  private final FileChannel data;
  private final FileChannel map;
  private final boolean[] written;
  private final Map<String, List<Integer>> indexesByHash = new HashMap<>();
  private int writtenCount;

  private ScratchBundle(BundleRef ref, Path file, Path mapFile, FileChannel data, FileChannel map, boolean[] written) {
    this.ref = ref;
    this.file = file;
    this.mapFile = mapFile;
    this.data = data;
    this.map = map;
    this.written = written;
    for (int i = 0; i < ref.chunkCount(); i++) {
      indexesByHash.computeIfAbsent(ref.chunkHashes().get(i), h -> new ArrayList<>(1)).add(i);
      if (written[i]) {
        writtenCount++;
      }
    }
  }

  /**
   * Opens the scratch file {@code file} of {@code ref} and its map {@code mapFile}, going on with
   * what an earlier attempt wrote when both fit the bundle, else starting empty.
   */
  static ScratchBundle open(BundleRef ref, Path file, Path mapFile) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    boolean[] written = readMap(ref, file, mapFile);
    FileChannel data = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileChannel map;
    try {
      map = FileChannel.open(mapFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      if (written == null) {
        // Nothing to go on with: both start empty (the data file sparse, so it takes room as chunks come).
        data.truncate(0);
        map.truncate(0);
        written = new boolean[ref.chunkCount()];
        writeFully(map, ByteBuffer.allocate(ref.chunkCount()), 0);
      }
    } catch (IOException e) {
      data.close();
      throw e;
    }
    return new ScratchBundle(ref, file, mapFile, data, map, written);
  }

  /** Bytes of {@code ref} that an earlier attempt wrote into {@code file}, by its map. */
  static long writtenBytes(BundleRef ref, Path file, Path mapFile) throws IOException {
    boolean[] written = readMap(ref, file, mapFile);
    long bytes = 0;
    for (int i = 0; written != null && i < written.length; i++) {
      if (written[i]) {
        bytes += ref.chunkLength(i);
      }
    }
    return bytes;
  }

  BundleRef ref() {
    return ref;
  }

  Path file() {
    return file;
  }

  boolean has(int index) {
    return written[index];
  }

  /** An unwritten chunk of the bundle with content {@code hash}, or -1. */
  int unwrittenIndexOf(String hash) {
    for (int i : indexesByHash.getOrDefault(hash, List.of())) {
      if (!written[i]) {
        return i;
      }
    }
    return -1;
  }

  int writtenCount() {
    return writtenCount;
  }

  boolean isComplete() {
    return writtenCount == written.length;
  }

  /**
   * Writes chunk {@code index}, which the caller checked against its signed hash, at its offset and
   * at the offset of every other chunk of the bundle with the same content, and marks them written.
   */
  void put(int index, byte[] chunk) throws IOException {
    for (int i : indexesByHash.get(ref.chunkHashes().get(index))) {
      if (!written[i]) {
        writeFully(data, ByteBuffer.wrap(chunk), (long) i * ref.chunkSize());
        writeFully(map, ByteBuffer.wrap(new byte[] {WRITTEN}), i);
        written[i] = true;
        writtenCount++;
      }
    }
  }

  /** Syncs the written bundle to disk before it is verified and extracted; returns its path. */
  Path finish() throws IOException {
    data.force(true);
    map.force(true);
    return file;
  }

  /**
   * Checks every written chunk against its signed hash (only after the bundle failed to verify: the
   * file was damaged on disk) and marks the bad ones unwritten, so they are fetched again.
   */
  List<Integer> damaged() throws IOException {
    List<Integer> bad = new ArrayList<>();
    for (int i = 0; i < written.length; i++) {
      if (!written[i]) {
        continue;
      }
      byte[] chunk = read(data, (long) i * ref.chunkSize(), ref.chunkLength(i));
      if (chunk == null || !Sha256.hex(chunk).equals(ref.chunkHashes().get(i))) {
        writeFully(map, ByteBuffer.allocate(1), i);
        written[i] = false;
        writtenCount--;
        bad.add(i);
      }
    }
    return bad;
  }

  /** Closes both files and deletes the map: the bundle file was kept or is deleted by the caller. */
  void closeAndForgetMap() throws IOException {
    close();
    Files.deleteIfExists(mapFile);
  }

  @Override
  public void close() throws IOException {
    try {
      data.close();
    } finally {
      map.close();
    }
  }

  // The map's flags, or null when the files are missing or do not fit the bundle.
  private static boolean[] readMap(BundleRef ref, Path file, Path mapFile) throws IOException {
    if (!Files.isRegularFile(file) || !Files.isRegularFile(mapFile) || Files.size(mapFile) != ref.chunkCount()
        || Files.size(file) > ref.size()) {
      return null;
    }
    byte[] flags = Files.readAllBytes(mapFile);
    boolean[] written = new boolean[flags.length];
    for (int i = 0; i < flags.length; i++) {
      written[i] = flags[i] == WRITTEN;
    }
    return written;
  }

  /** {@code length} bytes of {@code ch} from {@code position}, or null when the file ends before. */
  static byte[] read(FileChannel ch, long position, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    while (b.hasRemaining()) {
      if (ch.read(b, position + b.position()) < 0) {
        return null;
      }
    }
    return b.array();
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b, position + b.position());
    }
  }
}
