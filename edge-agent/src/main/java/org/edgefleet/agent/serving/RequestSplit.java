package org.edgefleet.agent.serving;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a request falls in [0, 1) for an A/B split inside one device. A request with an id falls
 * where the id's FNV-1a 64-bit hash (over its UTF-8 bytes, then MurmurHash3's 64-bit finalizer,
 * because FNV alone leaves ids that differ in their last characters bunched) puts it, the same on
 * every device and run, so an outcome reported later for that id is attributed to the arm that served it; a request
 * without an id falls at random (and its outcome cannot be reported).
 */
public final class RequestSplit {

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private RequestSplit() {}

  public static double position(String requestId) {
    if (requestId == null) {
      return ThreadLocalRandom.current().nextDouble();
    }
    long h = FNV_OFFSET;
    for (byte b : requestId.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= FNV_PRIME;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (h >>> 11) * 0x1.0p-53;
  }
}
