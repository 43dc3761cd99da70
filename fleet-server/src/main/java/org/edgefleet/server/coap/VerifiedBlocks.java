package org.edgefleet.server.coap;

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
 * Reads byte ranges (CoAP blocks) of stored bundles with positioned reads on one open channel per
 * bundle, and never serves a byte of a chunk whose content on disk does not match its signed hash:
 * the first block of a chunk reads and hashes the whole chunk once, after which the chunk counts as
 * verified for as long as the server runs. A chunk that fails the check fails every read of it
 * (the blob is damaged: the operator must upload the bundle again), instead of sending devices
 * blocks they would refuse after the whole chunk arrived.
 */
final class VerifiedBlocks implements AutoCloseable {

  private final RegistryService registry;
  private final Map<String, FileChannel> channels = new ConcurrentHashMap<>();
  private final Map<String, BitSet> verified = new ConcurrentHashMap<>();

  VerifiedBlocks(RegistryService registry) {
    this.registry = registry;
    registry.onBlobRemoved(this::evict);
  }

  byte[] read(BundleRef bundle, long offset, int length) throws IOException {
    FileChannel channel = channel(bundle.digest());
    int first = (int) (offset / bundle.chunkSize());
    int last = (int) ((offset + length - 1) / bundle.chunkSize());
    for (int chunk = first; chunk <= last; chunk++) {
      verify(channel, bundle, chunk);
    }
    return readFully(channel, bundle, offset, length);
  }

  private void verify(FileChannel channel, BundleRef bundle, int chunk) throws IOException {
    BitSet done = verified.computeIfAbsent(bundle.digest(), d -> new BitSet());
    synchronized (done) {
      if (done.get(chunk)) {
        return;
      }
    }
    byte[] data = readFully(channel, bundle, (long) chunk * bundle.chunkSize(), bundle.chunkLength(chunk));
    if (!Sha256.hex(data).equals(bundle.chunkHashes().get(chunk))) {
      throw new IOException("chunk " + chunk + " of bundle " + bundle.digest() + " does not match its signed hash on disk");
    }
    synchronized (done) {
      done.set(chunk);
    }
  }

  private static byte[] readFully(FileChannel channel, BundleRef bundle, long position, int length) throws IOException {
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

  private void evict(String digest) {
    verified.remove(digest);
    FileChannel ch = channels.remove(digest);
    if (ch != null) {
      closeQuietly(ch);
    }
  }

  @Override
  public void close() {
    channels.values().forEach(VerifiedBlocks::closeQuietly);
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
