package org.edgefleet.server.transfer;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.server.registry.RegistryService;

/**
 * Reads single chunks (or byte ranges, the CoAP side's blocks) of stored bundles with positioned
 * reads on a shared open channel per bundle, so serving many devices never holds more than the
 * chunks in flight in memory.
 *
 * <p>It never returns a byte of a chunk whose content on disk does not match the chunk plan's hash
 * (signed in the desired states): the first read of a chunk hashes it once, after which the chunk
 * counts as verified for as long as the server runs, so a chunk sent to a thousand devices is hashed
 * once, not a thousand times, and a frame can carry the plan's hash without hashing. A chunk that
 * fails the check fails every read of it (hashed again each time, so a restored blob serves again):
 * the blob is damaged and the operator must upload the bundle again. Devices are not sent data they
 * would refuse.
 */
public final class ChunkSource implements AutoCloseable {

  private final RegistryService registry;
  private final Map<String, FileChannel> channels = new ConcurrentHashMap<>();
  private final Map<String, BitSet> verified = new ConcurrentHashMap<>();

  public ChunkSource(RegistryService registry) {
    this.registry = registry;
  }

  /** Chunk {@code index} of the bundle, checked against the plan's hash on its first read. */
  public byte[] read(BundleRef bundle, int index) throws IOException {
    byte[] data = readRange(bundle, (long) index * bundle.chunkSize(), bundle.chunkLength(index));
    BitSet done = verified.computeIfAbsent(bundle.digest(), d -> new BitSet());
    synchronized (done) {
      if (done.get(index)) {
        return data;
      }
    }
    if (!Sha256.hex(data).equals(bundle.chunkHashes().get(index))) {
      throw new DamagedChunkException("chunk " + index + " of bundle " + bundle.digest()
          + " does not match its hash on disk: the stored blob is damaged, upload the bundle again");
    }
    synchronized (done) {
      done.set(index);
    }
    return data;
  }

  /**
   * {@code length} bytes of the bundle from {@code position}, which the caller keeps within the
   * bundle; each chunk the range touches is checked as by {@link #read(BundleRef, int)} first.
   */
  public byte[] read(BundleRef bundle, long position, int length) throws IOException {
    int last = (int) ((position + length - 1) / bundle.chunkSize());
    for (int chunk = (int) (position / bundle.chunkSize()); chunk <= last; chunk++) {
      if (!isVerified(bundle.digest(), chunk)) {
        read(bundle, chunk);
      }
    }
    return readRange(bundle, position, length);
  }

  /** A stored chunk that does not match its hash. */
  public static final class DamagedChunkException extends IOException {
    DamagedChunkException(String message) {
      super(message);
    }
  }

  private boolean isVerified(String digest, int chunk) {
    BitSet done = verified.get(digest);
    if (done == null) {
      return false;
    }
    synchronized (done) {
      return done.get(chunk);
    }
  }

  private byte[] readRange(BundleRef bundle, long position, int length) throws IOException {
    FileChannel channel = channel(bundle.digest());
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new EOFException("bundle " + bundle.digest() + " is shorter on disk than its " + bundle.size() + " bytes");
      }
    }
    return buffer.array();
  }

  private FileChannel channel(String digest) throws IOException {
    try {
      return channels.computeIfAbsent(digest, d -> {
        try {
          return FileChannel.open(registry.blobPath(d), StandardOpenOption.READ);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Closes the bundle's channel before its blob is deleted. */
  public void evict(String digest) {
    verified.remove(digest);
    FileChannel ch = channels.remove(digest);
    if (ch != null) {
      closeQuietly(ch);
    }
  }

  @Override
  public void close() {
    channels.values().forEach(ChunkSource::closeQuietly);
    channels.clear();
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // Read-only channel: nothing is lost by a failed close.
    }
  }
}
