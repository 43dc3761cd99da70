package org.edgefleet.server.transfer;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.server.registry.RegistryService;

/**
 * Reads single chunks (or byte ranges, the CoAP side's blocks) of stored bundles with positioned
 * reads on a shared open channel per bundle, so serving many devices never holds more than the
 * chunks in flight in memory.
 */
public final class ChunkSource implements AutoCloseable {

  private final RegistryService registry;
  private final Map<String, FileChannel> channels = new ConcurrentHashMap<>();

  public ChunkSource(RegistryService registry) {
    this.registry = registry;
  }

  public byte[] read(BundleRef bundle, int index) throws IOException {
    return read(bundle, (long) index * bundle.chunkSize(), bundle.chunkLength(index));
  }

  /** {@code length} bytes of the bundle from {@code position}, which the caller keeps within the bundle. */
  public byte[] read(BundleRef bundle, long position, int length) throws IOException {
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
