package org.edgefleet.server.coap;

import java.io.IOException;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.transfer.ChunkSource;

/**
 * Reads byte ranges (CoAP blocks) of stored bundles through a {@link ChunkSource}, and never serves
 * a byte of a chunk whose content on disk does not match its signed hash: the first block of a
 * chunk reads and hashes the whole chunk once, after which the chunk counts as verified for as long
 * as the server runs. A chunk that fails the check fails every read of it (the blob is damaged: the
 * operator must upload the bundle again), instead of sending devices blocks they would refuse after
 * the whole chunk arrived.
 */
final class VerifiedBlocks implements AutoCloseable {

  private final ChunkSource source;
  private final Map<String, BitSet> verified = new ConcurrentHashMap<>();

  VerifiedBlocks(RegistryService registry) {
    this.source = new ChunkSource(registry);
    registry.onBlobRemoved(this::evict);
  }

  byte[] read(BundleRef bundle, long offset, int length) throws IOException {
    int first = (int) (offset / bundle.chunkSize());
    int last = (int) ((offset + length - 1) / bundle.chunkSize());
    for (int chunk = first; chunk <= last; chunk++) {
      verify(bundle, chunk);
    }
    return source.read(bundle, offset, length);
  }

  private void verify(BundleRef bundle, int chunk) throws IOException {
    BitSet done = verified.computeIfAbsent(bundle.digest(), d -> new BitSet());
    synchronized (done) {
      if (done.get(chunk)) {
        return;
      }
    }
    if (!Sha256.hex(source.read(bundle, chunk)).equals(bundle.chunkHashes().get(chunk))) {
      throw new IOException("chunk " + chunk + " of bundle " + bundle.digest() + " does not match its signed hash on disk");
    }
    synchronized (done) {
      done.set(chunk);
    }
  }

  private void evict(String digest) {
    verified.remove(digest);
    source.evict(digest);
  }

  @Override
  public void close() {
    source.close();
  }
}
