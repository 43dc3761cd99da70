package org.edgefleet.protocol.message;

import java.util.List;
import org.edgefleet.protocol.trust.Hex;

/**
 * Where a device gets a bundle: its digest and size, and the SHA-256 of every fixed-size chunk
 * so each chunk is checked as it arrives. Chunks are content-addressed: a device keeps chunks
 * by hash, so chunks it already holds are never sent again.
 */
public record BundleRef(String digest, long size, int chunkSize, List<String> chunkHashes) {

  public BundleRef {
    if (!Hex.isSha256(digest)) {
      throw new IllegalArgumentException("bundle digest must be a SHA-256 in lower-case hex");
    }
    if (size <= 0 || chunkSize <= 0) {
      throw new IllegalArgumentException("bundle size and chunk size must be positive");
    }
    long expected = (size + chunkSize - 1) / chunkSize;
    if (chunkHashes == null || chunkHashes.size() != expected) {
      throw new IllegalArgumentException("bundle of " + size + " bytes in " + chunkSize + "-byte chunks needs "
          + expected + " chunk hashes");
    }
    for (String h : chunkHashes) {
      if (!Hex.isSha256(h)) {
        throw new IllegalArgumentException("chunk hashes must be SHA-256 in lower-case hex");
      }
    }
    chunkHashes = List.copyOf(chunkHashes);
  }

  public int chunkCount() {
    return chunkHashes.size();
  }

  /** Bytes in chunk {@code index}: the last one may be short. */
  public int chunkLength(int index) {
    if (index < 0 || index >= chunkCount()) {
      throw new IndexOutOfBoundsException("chunk " + index + " of " + chunkCount());
    }
    return (int) Math.min(chunkSize, size - (long) index * chunkSize);
  }
}
