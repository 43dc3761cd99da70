package org.edgefleet.protocol.message;

/**
 * What a device watches after it activates a new version, and when it rolls back to the previous
 * slot by itself (offline too). Rates are over the calls since activation; a rate or the latency
 * ratio is judged once {@code minCalls} calls were made, a crash and an invalid output at once.
 *
 * @param windowSeconds how long the new version is watched, 1 second to 1 day
 * @param minCalls calls before a rate or the latency is judged
 * @param maxErrorRate failed calls over calls, 0 to 1
 * @param maxCrashes runs where the session itself failed (not the caller's inputs) that are tolerated
 * @param maxInvalidRate calls whose outputs hold NaN or infinity, over calls, 0 to 1 (0: the first one rolls back)
 * @param maxLatencyRatio p95 latency over the previous version's p95, both timed side by side on this device, at least 1
 */
public record HealthGates(int windowSeconds, int minCalls, double maxErrorRate, int maxCrashes, double maxInvalidRate,
    double maxLatencyRatio) {

  /** Five minutes; 20 calls; 5 % errors; no crash; no invalid output; p95 at most 2x the previous version's. */
  public static final HealthGates DEFAULT = new HealthGates(300, 20, 0.05, 0, 0.0, 2.0);

  public HealthGates {
    if (windowSeconds < 1 || windowSeconds > 86_400) {
      throw new IllegalArgumentException("health.windowSeconds must be 1..86400, was " + windowSeconds);
    }
    if (minCalls < 1 || minCalls > 1_000_000) {
      throw new IllegalArgumentException("health.minCalls must be 1..1000000, was " + minCalls);
    }
    if (!(maxErrorRate >= 0 && maxErrorRate <= 1) || !(maxInvalidRate >= 0 && maxInvalidRate <= 1)) {
      throw new IllegalArgumentException("health.maxErrorRate and maxInvalidRate must be 0..1, were " + maxErrorRate + " and "
          + maxInvalidRate);
    }
    if (maxCrashes < 0) {
      throw new IllegalArgumentException("health.maxCrashes must be >= 0, was " + maxCrashes);
    }
    if (!(maxLatencyRatio >= 1 && maxLatencyRatio <= 1000)) {
      throw new IllegalArgumentException("health.maxLatencyRatio must be 1..1000, was " + maxLatencyRatio);
    }
  }
}
