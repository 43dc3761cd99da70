package org.edgefleet.agent.update;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.trust.Hex;
import org.edgefleet.protocol.trust.Sha256;

/**
 * Bundle chunks by SHA-256, {@code chunks/ab/abcd...}: a chunk held for one bundle is never
 * fetched again for another, nor after a restart. Chunks are not synced one by one (that would
 * cost a disk flush per 64 KiB); instead each is checked against its hash when a bundle is
 * assembled, and a chunk torn by a crash is deleted and fetched again.
 */
public final class ChunkStore {

  /** The assembled bundle's digest, or the chunks that were bad and must be fetched again. */
  public record Assembly(String digest, long size, List<Integer> badChunks) {}

  private final Path dir;

  public ChunkStore(Path dir) {
    this.dir = dir;
  }

  public boolean has(String hash) {
    return Files.isRegularFile(path(hash));
  }

  public void put(String hash, byte[] data) throws IOException {
    Path target = path(hash);
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), hash.substring(0, 8), ".part");
    try {
      Files.write(tmp, data);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes the bundle's chunks in order into {@code target} and syncs it. */
  public Assembly assemble(BundleRef ref, Path target) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    MessageDigest whole = Sha256.newDigest();
    List<Integer> bad = new ArrayList<>();
    long size = 0;
    try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      for (int i = 0; i < ref.chunkCount(); i++) {
        String hash = ref.chunkHashes().get(i);
        byte[] data = read(hash);
        if (data == null || data.length != ref.chunkLength(i) || !Sha256.hex(data).equals(hash)) {
          Files.deleteIfExists(path(hash));
          bad.add(i);
          continue;
        }
        if (bad.isEmpty()) {
          whole.update(data);
          ByteBuffer b = ByteBuffer.wrap(data);
          while (b.hasRemaining()) {
            out.write(b);
          }
          size += data.length;
        }
      }
      out.force(true);
    }
    if (!bad.isEmpty()) {
      Files.deleteIfExists(target);
    }
    return new Assembly(Hex.encode(whole.digest()), size, List.copyOf(bad));
  }

  /** Deletes every chunk not in {@code keep}. */
  public int retainOnly(Set<String> keep) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int deleted = 0;
    try (DirectoryStream<Path> fans = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path fan : fans) {
        try (DirectoryStream<Path> chunks = Files.newDirectoryStream(fan)) {
          for (Path c : chunks) {
            if (!keep.contains(c.getFileName().toString()) && Files.deleteIfExists(c)) {
              deleted++;
            }
          }
        }
      }
    }
    return deleted;
  }

  private byte[] read(String hash) throws IOException {
    try {
      return Files.readAllBytes(path(hash));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private Path path(String hash) {
    return dir.resolve(hash.substring(0, 2)).resolve(hash);
  }
}
