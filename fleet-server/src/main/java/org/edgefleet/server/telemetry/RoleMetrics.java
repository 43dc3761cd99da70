package org.edgefleet.server.telemetry;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.server.experiment.ArmStats;

/**
 * Merges one version's stored shadow comparisons and A/B outcomes over devices and batches. A
 * stored value that no longer parses is skipped (it was validated when it arrived).
 */
final class RoleMetrics {

  private long skipped;
  private long top1Compared;
  private long top1Agreed;
  private final Map<String, double[]> absDiff = new TreeMap<>(); // output -> {weighted sum, weight}
  private boolean anyShadow;
  private long outcomes;
  private double sum;
  private double sumSquares;

  /** Adds a row's comparison and outcomes; returns false when a stored value did not parse. */
  boolean add(TelemetryStore.Row r) {
    try {
      if (r.shadowJson() != null) {
        TelemetryBatch.ShadowComparison c = Json.read(r.shadowJson().getBytes(StandardCharsets.UTF_8),
            TelemetryBatch.ShadowComparison.class);
        anyShadow = true;
        skipped += c.skipped();
        top1Compared += c.top1Compared();
        top1Agreed += c.top1Agreed();
        double weight = Math.max(1, r.inferences());
        c.meanAbsDiff().forEach((output, d) -> {
          double[] acc = absDiff.computeIfAbsent(output, o -> new double[2]);
          acc[0] += d * weight;
          acc[1] += weight;
        });
      }
      if (r.outcomesJson() != null) {
        TelemetryBatch.Outcomes o = Json.read(r.outcomesJson().getBytes(StandardCharsets.UTF_8),
            TelemetryBatch.Outcomes.class);
        outcomes += o.count();
        sum += o.sum();
        sumSquares += o.sumSquares();
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  ModelMetrics.Shadow shadow() {
    if (!anyShadow) {
      return null;
    }
    Map<String, Double> means = new TreeMap<>();
    absDiff.forEach((output, acc) -> means.put(output, acc[0] / acc[1]));
    return new ModelMetrics.Shadow(skipped, top1Compared, top1Compared == 0 ? null : (double) top1Agreed / top1Compared, means);
  }

  /** The outcomes' mean and interval, or null with fewer than two outcomes. */
  ArmStats outcomes() {
    return outcomes < 2 || !Double.isFinite(sum) || !Double.isFinite(sumSquares) ? null : ArmStats.of(outcomes, sum, sumSquares);
  }
}
