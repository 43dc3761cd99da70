package org.edgefleet.server.registry;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.edgefleet.protocol.trust.Hex;

/**
 * Bundles on disk, addressed by their SHA-256: {@code blobs/sha256/ab/abcd...}. A blob appears
 * whole or not at all (fsync, then rename in the same file system, then fsync of the directory),
 * so a crash never leaves a half-written bundle under a digest.
 */
public final class BlobStore {

  private static final Duration LEFTOVER_AGE = Duration.ofHours(1);

  private final Path root;
  private final Path uploads;

  private BlobStore(Path root, Path uploads) {
    this.root = root;
    this.uploads = uploads;
  }

  /**
   * Opens the store and deletes uploads a previous run left behind. Only those untouched for an
   * hour: several instances may share the data directory, and another's upload may be under way.
   */
  public static BlobStore open(Path dataDir) throws IOException {
    Path root = Files.createDirectories(dataDir.resolve("blobs").resolve("sha256"));
    Path uploads = Files.createDirectories(dataDir.resolve("tmp"));
    FileTime stale = FileTime.from(Instant.now().minus(LEFTOVER_AGE));
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(uploads)) {
      for (Path p : leftovers) {
        if (Files.getLastModifiedTime(p).compareTo(stale) < 0) {
          Files.deleteIfExists(p);
        }
      }
    }
    return new BlobStore(root, uploads);
  }

  public Path path(String digest) {
    if (!Hex.isSha256(digest)) {
      throw new IllegalArgumentException("not a SHA-256 digest: " + digest);
    }
    return root.resolve(digest.substring(0, 2)).resolve(digest);
  }

  /** A fresh path for an upload in progress, in the same file system as the blobs. */
  public Path newUploadPath() {
    return uploads.resolve("upload-" + UUID.randomUUID() + ".part");
  }

  /** Moves a verified file into place under its digest; the file is gone afterwards. */
  public Path store(Path file, String digest) throws IOException {
    Path target = path(digest);
    if (Files.exists(target)) {
      Files.delete(file);
      return target;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Path dir = Files.createDirectories(target.getParent());
    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(dir);
    return target;
  }

  public void delete(String digest) throws IOException {
    Files.deleteIfExists(path(digest));
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException notSupported) {
      // Some platforms cannot open a directory for syncing; the rename is still atomic there.
    }
  }
}
