package org.edgefleet.protocol.transfer;

import org.edgefleet.protocol.io.Streams;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
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
    MessageDigest whole = Sha256.newDigest();
    ChunkHashing chunks;
    try (InputStream in = chunks = new ChunkHashing(new DigestInputStream(Files.newInputStream(file), whole), chunkSize)) {
      Streams.drain(in);
    }
    if (chunks.size() == 0) {
      throw new IllegalArgumentException(file + " is empty");
    }
    return chunks.plan(Hex.encode(whole.digest()));
  }

  /**
   * Hashes every chunk of what is read through it, so that a reader already passing over the whole
   * bundle (the server's verification on upload) makes the plan in the same pass, and the bundle is
   * read and its digest computed once.
   */
  public static final class ChunkHashing extends FilterInputStream {

    private final int chunkSize;
    private final List<String> hashes = new ArrayList<>();
    private final MessageDigest chunk = Sha256.newDigest();
    private int inChunk;
    private long size;

    public ChunkHashing(InputStream in, int chunkSize) {
      super(in);
      if (chunkSize < MIN_CHUNK_SIZE) {
        throw new IllegalArgumentException("chunk size must be at least " + MIN_CHUNK_SIZE + " bytes");
      }
      this.chunkSize = chunkSize;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        hash(new byte[] {(byte) b}, 0, 1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        hash(b, off, n);
      }
      return n;
    }

    /** Skips by reading, so no byte goes unhashed. */
    @Override
    public long skip(long n) throws IOException {
      byte[] buffer = new byte[(int) Math.min(8192, Math.max(0, n))];
      long skipped = 0;
      while (skipped < n) {
        int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
        if (r < 0) {
          break;
        }
        skipped += r;
      }
      return skipped;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    /** Bytes read through so far. */
    public long size() {
      return size;
    }

    /** The plan of everything read through, once the stream was read to its end, under the bundle's {@code digest}. */
    public BundleRef plan(String digest) {
      if (inChunk > 0) {
        hashes.add(Hex.encode(chunk.digest())); // the last, short chunk
        inChunk = 0;
      }
      return new BundleRef(digest, size, chunkSize, hashes);
    }

    private void hash(byte[] b, int off, int len) {
      size += len;
      while (len > 0) {
        int n = Math.min(len, chunkSize - inChunk);
        chunk.update(b, off, n);
        inChunk += n;
        off += n;
        len -= n;
        if (inChunk == chunkSize) {
          hashes.add(Hex.encode(chunk.digest()));
          inChunk = 0;
        }
      }
    }
  }
}
