package org.edgefleet.server.telemetry;

import java.util.List;

/** Inference metrics of a model, per version, merged over every device and batch. */
public record ModelMetrics(String model, List<Version> versions) {

  /**
   * One version's metrics.
   *
   * @param latencyMs percentiles of the merged latency histograms, or null when no device sent one
   */
  public record Version(int version, long inferences, long errors, double errorRate, Latency latencyMs,
      int devicesReporting) {}

  /** Latency percentiles in milliseconds. */
  public record Latency(double p50, double p95, double p99, double max, long samples) {}
}
