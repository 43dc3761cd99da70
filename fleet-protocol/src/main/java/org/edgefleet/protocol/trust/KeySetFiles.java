package org.edgefleet.protocol.trust;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Signed key set files: read bounded, written atomically (temp file, fsync, rename). */
public final class KeySetFiles {

  private KeySetFiles() {}

  public static SignedKeySet read(Path file) throws IOException, KeySetException {
    long size = Files.size(file);
    if (size > SignedKeySet.MAX_BYTES + 64 * 1024) {
      throw new KeySetException(KeySetException.Reason.MALFORMED, file + " is " + size + " bytes: too large to be a key set");
    }
    try {
      return SignedKeySet.parse(Files.readAllBytes(file));
    } catch (KeySetException e) {
      throw new KeySetException(e.reason(), file + ": " + e.getMessage(), e);
    }
  }

  /** Replaces {@code file} as one step: a crash leaves the old key set or the new one, never a torn file. */
  public static void write(Path file, SignedKeySet keySet) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
      out.write(keySet.toJson());
      out.getFD().sync();
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
