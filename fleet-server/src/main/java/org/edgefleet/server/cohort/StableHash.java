package org.edgefleet.server.cohort;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Where a device falls in a rollout: a bucket in [0, 10000) from SHA-256 of (rollout id, device
 * id). The same device and rollout give the same bucket on every server and after every restart,
 * so "N % of the cohort" is the devices with a bucket below N × 100, and a larger share holds every
 * device of a smaller one. Another rollout draws other devices.
 */
public final class StableHash {

  /** Buckets in all: a share is in hundredths of a percent. */
  public static final int BUCKETS = 10_000;

  private StableHash() {}

  public static int bucket(String deviceId, long rolloutId) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest((rolloutId + "/" + deviceId).getBytes(StandardCharsets.UTF_8));
      return (int) Long.remainderUnsigned(ByteBuffer.wrap(d).getLong(), BUCKETS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Whether the device is among {@code basisPoints} of 10000 (100 % = 10000) of the rollout's cohort. */
  public static boolean inShare(String deviceId, long rolloutId, int basisPoints) {
    return bucket(deviceId, rolloutId) < basisPoints;
  }
}
