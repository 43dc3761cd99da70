package org.edgefleet.server.telemetry;

import java.util.List;
import java.util.Map;
import org.edgefleet.server.experiment.ArmStats;

/** Inference metrics of a model, per version, merged over every device and batch. */
public record ModelMetrics(String model, List<Version> versions) {

  /**
   * One version's metrics.
   *
   * @param latencyMs percentiles of the merged latency histograms, or null when no device sent one
   * @param shadow how the version compared with the active one where it ran as a shadow, or null
   * @param outcomes the A/B outcomes of requests it served (as an arm, or as the active version beside one), or null
   * @param invalidOutputs inferences whose outputs held NaN or infinity, on the devices that count them, or
   *     null when none does
   */
  public record Version(int version, long inferences, long errors, double errorRate, Latency latencyMs,
      int devicesReporting, Shadow shadow, ArmStats outcomes, Long invalidOutputs) {}

  /**
   * A shadow version against the active version.
   *
   * @param top1Agreement share of the runs compared by top class whose top class matched, or null when none were
   * @param meanAbsDiff per output, the mean absolute difference, averaged over batches weighted by their shadow runs
   */
  public record Shadow(long skipped, long top1Compared, Double top1Agreement, Map<String, Double> meanAbsDiff) {}

  /** Latency percentiles in milliseconds. */
  public record Latency(double p50, double p95, double p99, double max, long samples) {}
}
