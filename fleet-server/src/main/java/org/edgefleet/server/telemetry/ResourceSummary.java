package org.edgefleet.server.telemetry;

/**
 * Resource use reported by a set of devices over a window, over raw rows and buckets alike.
 * Each range is null when no batch in the window reported that measure.
 *
 * @param cpuLoad the devices' load average (1.0 = one core busy)
 * @param rssBytes the agents' resident memory in bytes
 * @param temperatureC the boards' temperature in degrees Celsius
 */
public record ResourceSummary(Range cpuLoad, Range rssBytes, Range temperatureC) {

  /** Minimum, mean and maximum of the batches that reported a measure, and how many did. */
  public record Range(double min, double mean, double max, long samples) {}
}
