package org.edgefleet.server.telemetry;

/**
 * What one model version's telemetry from a set of devices says since a given time: the
 * histograms merged exactly (percentiles are never averaged).
 *
 * @param p95Ms p95 latency of the merged histograms in milliseconds, or null when no device sent one
 * @param invalidChecked inferences whose outputs the agents checked for NaN and infinity (agents
 *     that do not count invalid outputs leave theirs out)
 * @param invalidOutputs of those, inferences whose outputs held NaN or infinity
 */
public record VersionReading(int version, int devicesReporting, long inferences, long errors, Double p95Ms,
    long invalidChecked, long invalidOutputs) {

  /** A reading from devices none of which count invalid outputs. */
  public VersionReading(int version, int devicesReporting, long inferences, long errors, Double p95Ms) {
    this(version, devicesReporting, inferences, errors, p95Ms, 0, 0);
  }

  public static VersionReading none(int version) {
    return new VersionReading(version, 0, 0, 0, null);
  }

  public double errorRate() {
    return inferences == 0 ? 0 : Math.min(1.0, (double) errors / inferences);
  }

  /** Invalid outputs over the inferences checked for them; null when no device counted them. */
  public Double invalidOutputRate() {
    return invalidChecked == 0 ? null : Math.min(1.0, (double) invalidOutputs / invalidChecked);
  }
}
