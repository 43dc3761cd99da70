package org.edgefleet.protocol.transfer;

import org.edgefleet.protocol.io.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.trust.Hex;
import org.edgefleet.protocol.trust.Sha256;

/** Cuts a bundle file into fixed-size chunks and hashes them, in one streaming pass. */
public final class ChunkPlan {

  /** The default chunk size, 64 KiB, well under common brokers' packet limits. */
  public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;
  public static final int MIN_CHUNK_SIZE = 1024;

  private ChunkPlan() {}

  public static BundleRef of(Path file, int chunkSize) throws IOException {
    if (chunkSize < MIN_CHUNK_SIZE) {
      throw new IllegalArgumentException("chunk size must be at least " + MIN_CHUNK_SIZE + " bytes");
    }
    MessageDigest whole = Sha256.newDigest();
    List<String> hashes = new ArrayList<>();
    long size = 0;
    byte[] buffer = new byte[chunkSize];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = Streams.readFully(in, buffer, 0, chunkSize)) > 0) {
        whole.update(buffer, 0, n);
        hashes.add(Sha256.hex(buffer, 0, n));
        size += n;
      }
    }
    if (size == 0) {
      throw new IllegalArgumentException(file + " is empty");
    }
    return new BundleRef(Hex.encode(whole.digest()), size, chunkSize, hashes);
  }
}
