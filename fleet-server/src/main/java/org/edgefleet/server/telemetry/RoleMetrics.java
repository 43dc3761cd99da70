package org.edgefleet.server.telemetry;

import java.nio.charset.StandardCharsets;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.server.experiment.ArmStats;

/**
 * Merges one version's stored shadow comparisons and A/B outcomes over devices, batches and buckets. A
 * stored value that no longer parses is skipped (it was validated when it arrived).
 */
final class RoleMetrics {

  private final ShadowSum shadow = new ShadowSum();
  private long outcomes;
  private double sum;
  private double sumSquares;

  /** Adds a row's comparison and outcomes; returns false when a stored value did not parse. */
  boolean add(TelemetryStore.Row r) {
    try {
      if (r.shadowJson() != null) {
        shadow.add(Json.read(r.shadowJson().getBytes(StandardCharsets.UTF_8), TelemetryBatch.ShadowComparison.class),
            r.shadowWeight());
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
    return shadow.toShadow();
  }

  /** The outcomes' mean and interval, or null with fewer than two outcomes. */
  ArmStats outcomes() {
    return outcomes < 2 || !Double.isFinite(sum) || !Double.isFinite(sumSquares) ? null : ArmStats.of(outcomes, sum, sumSquares);
  }
}
