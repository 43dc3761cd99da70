package org.edgefleet.protocol.retry;

import java.time.Duration;

/**
 * Exponential backoff with full jitter: attempt n waits a uniformly random time in
 * [0, min(max, base * 2^n)]. The jitter spreads a fleet that lost its broker at the same
 * moment, so the broker is not hit by every device at once when it comes back.
 */
public record Backoff(Duration base, Duration max) {

  public Backoff {
    if (base == null || max == null || base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < base <= max, got base=" + base + " max=" + max);
    }
  }

  /** The ceiling of attempt {@code attempt} (0-based), before jitter. */
  public long ceilingMillis(int attempt) {
    long baseMs = Math.max(1, base.toMillis());
    int shift = Math.min(Math.max(attempt, 0), 30);
    long ceiling = baseMs << shift;
    return ceiling <= 0 ? max.toMillis() : Math.min(max.toMillis(), ceiling);
  }

  /** The delay of attempt {@code attempt} for a uniform random draw {@code u} in [0, 1). */
  public long delayMillis(int attempt, double u) {
    return (long) (u * (ceilingMillis(attempt) + 1));
  }
}
