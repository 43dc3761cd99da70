package org.edgefleet.server.telemetry;

import java.util.Map;
import java.util.TreeMap;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.message.TelemetryBatch.ShadowComparison;

/**
 * Shadow comparisons merged over batches and buckets: top-1 counts add up, and each output's mean
 * absolute difference is averaged weighted by the inferences behind it. A bucket stores the merge
 * as one comparison with its weight, so merging buckets gives what merging their rows would.
 */
final class ShadowSum {

  private boolean any;
  private int activeVersion;
  private long skipped;
  private long top1Compared;
  private long top1Agreed;
  private long weight;
  private final Map<String, double[]> absDiff = new TreeMap<>(); // output -> {weighted sum, weight}

  /** Adds a comparison that stands for {@code weight} inferences (at least 1). */
  void add(ShadowComparison c, long weight) {
    long w = Math.max(1, weight);
    any = true;
    activeVersion = Math.max(activeVersion, c.activeVersion());
    skipped = ModelBucket.saturatedAdd(skipped, c.skipped());
    top1Compared = ModelBucket.saturatedAdd(top1Compared, c.top1Compared());
    top1Agreed = ModelBucket.saturatedAdd(top1Agreed, c.top1Agreed());
    this.weight = ModelBucket.saturatedAdd(this.weight, w);
    c.meanAbsDiff().forEach((output, d) -> {
      double[] acc = absDiff.computeIfAbsent(output, o -> new double[2]);
      acc[0] += d * w;
      acc[1] += w;
    });
  }

  boolean isEmpty() {
    return !any;
  }

  long weight() {
    return weight;
  }

  /**
   * The merge as one comparison, for a bucket; counts past what one comparison may hold keep their
   * ratio (agreement is what is read of them). Null when nothing was added.
   */
  ShadowComparison toComparison() {
    if (!any) {
      return null;
    }
    long compared = top1Compared;
    long agreed = top1Agreed;
    if (compared > TelemetryBatch.MAX_COUNT) {
      agreed = Math.round((double) agreed / compared * TelemetryBatch.MAX_COUNT);
      compared = TelemetryBatch.MAX_COUNT;
    }
    return new ShadowComparison(Math.max(1, activeVersion), Math.min(skipped, TelemetryBatch.MAX_COUNT), compared,
        Math.min(agreed, compared), means());
  }

  /** The merge as the API shows it, or null when nothing was added. */
  ModelMetrics.Shadow toShadow() {
    if (!any) {
      return null;
    }
    return new ModelMetrics.Shadow(skipped, top1Compared, top1Compared == 0 ? null : (double) top1Agreed / top1Compared, means());
  }

  private Map<String, Double> means() {
    Map<String, Double> means = new TreeMap<>();
    absDiff.forEach((output, acc) -> means.put(output, acc[0] / acc[1]));
    return means;
  }
}
