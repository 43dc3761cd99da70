package org.edgefleet.agent.update;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Set;
import org.edgefleet.protocol.message.BundleRef;

/**
 * The chunks the agent holds, by content: those of the bundle being downloaded, in its
 * {@link ScratchBundle} ({@code downloads/{digest}.bundle} and its map {@code {digest}.chunks}),
 * and those of the installed bundles, whose verified files are kept ({@code bundles/{digest}}), so
 * a chunk held for one bundle is never fetched again for another, nor after a restart.
 */
public final class ChunkStore {

  private static final String SCRATCH = ".bundle";
  private static final String MAP = ".chunks";

  private final Path downloads;
  private final Path bundles;

  public ChunkStore(Path downloads, Path bundles) {
    this.downloads = downloads;
    this.bundles = bundles;
  }

  /**
   * Opens the scratch file of {@code ref}, going on with what an earlier attempt wrote, and copies
   * into it the chunks the {@code installed} bundles hold. Copied chunks are not hashed again: the
   * bundle they come from was verified when installed, and damage since fails the new bundle's digest.
   */
  ScratchBundle open(BundleRef ref, Collection<BundleRef> installed) throws IOException {
    ScratchBundle scratch = ScratchBundle.open(ref, scratchFile(ref.digest()), downloads.resolve(ref.digest() + MAP));
    try {
      for (BundleRef held : installed) {
        if (scratch.isComplete()) {
          break;
        }
        copyShared(held, scratch);
      }
    } catch (IOException e) {
      scratch.close();
      throw e;
    }
    return scratch;
  }

  /** Bytes of {@code ref} already written into its scratch file by an earlier attempt. */
  long writtenBytes(BundleRef ref) throws IOException {
    return ScratchBundle.writtenBytes(ref, scratchFile(ref.digest()), downloads.resolve(ref.digest() + MAP));
  }

  /** After its bundle was installed: keeps the scratch file (a rename, no copy) as the source of chunks for later bundles. */
  void keep(ScratchBundle scratch) throws IOException {
    scratch.closeAndForgetMap();
    Files.createDirectories(bundles);
    Files.move(scratch.file(), bundles.resolve(scratch.ref().digest()), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** Deletes every kept bundle and scratch file whose digest is not in {@code keep}; returns how many. */
  int retainOnly(Set<String> keep) throws IOException {
    return retainOnly(bundles, keep) + retainOnly(downloads, keep);
  }

  private void copyShared(BundleRef held, ScratchBundle scratch) throws IOException {
    Path file = bundles.resolve(held.digest());
    if (!Files.isRegularFile(file)) {
      return;
    }
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int j = 0; j < held.chunkCount(); j++) {
        int index = scratch.unwrittenIndexOf(held.chunkHashes().get(j));
        if (index < 0 || held.chunkLength(j) != scratch.ref().chunkLength(index)) {
          continue;
        }
        byte[] chunk = ScratchBundle.read(in, (long) j * held.chunkSize(), held.chunkLength(j));
        if (chunk == null) {
          return; // the kept file is short: the rest comes from the server
        }
        scratch.put(index, chunk);
      }
    }
  }

  private Path scratchFile(String digest) {
    return downloads.resolve(digest + SCRATCH);
  }

  private static int retainOnly(Path dir, Set<String> keep) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int deleted = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        int dot = name.indexOf('.');
        if (!keep.contains(dot < 0 ? name : name.substring(0, dot)) && Files.deleteIfExists(f)) {
          deleted++;
        }
      }
    }
    return deleted;
  }
}
