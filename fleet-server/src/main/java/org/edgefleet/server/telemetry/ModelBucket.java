package org.edgefleet.server.telemetry;

import java.nio.charset.StandardCharsets;
import org.HdrHistogram.Histogram;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.LatencyHistograms;
import org.edgefleet.protocol.message.MessageException;
import org.edgefleet.protocol.message.TelemetryBatch;

/**
 * One device's metrics of one model version over one time bucket, merged from raw rows or finer
 * buckets: counts add up, latency histograms merge bucket-wise (exact, so percentiles of a bucket
 * are those of the rows it holds), A/B outcomes and invalid-output counts add up, shadow comparisons
 * merge by their weights. A stored value that no longer decodes is left out of the merge and
 * counted in {@link #skipped}.
 */
final class ModelBucket {

  long inferences;
  long errors;
  private Histogram latency;
  private long outcomeCount;
  private double outcomeSum;
  private double outcomeSquares;
  private final ShadowSum shadow = new ShadowSum();
  long invalidChecked;
  long invalidOutputs;
  int skipped;

  void add(TelemetryStore.Row r) {
    inferences = saturatedAdd(inferences, r.inferences());
    errors = saturatedAdd(errors, r.errors());
    invalidChecked = saturatedAdd(invalidChecked, r.invalidChecked());
    invalidOutputs = saturatedAdd(invalidOutputs, r.invalidOutputs());
    String latencyMicros = r.latencyMicros();
    if (latencyMicros != null) {
      try {
        Histogram h = LatencyHistograms.decode(latencyMicros);
        if (latency == null) {
          latency = new Histogram(LatencyHistograms.SIGNIFICANT_DIGITS);
        }
        // Kept within what one histogram may hold, so the bucket decodes again when it is read or folded.
        if (h.getTotalCount() <= TelemetryBatch.MAX_COUNT - latency.getTotalCount()) {
          latency.add(h);
        } else {
          skipped++;
        }
      } catch (MessageException | RuntimeException e) {
        skipped++;
      }
    }
    if (r.shadowJson() != null) {
      try {
        shadow.add(Json.read(r.shadowJson().getBytes(StandardCharsets.UTF_8), TelemetryBatch.ShadowComparison.class),
            r.shadowWeight());
      } catch (RuntimeException e) {
        skipped++;
      }
    }
    if (r.outcomesJson() != null) {
      try {
        TelemetryBatch.Outcomes o = Json.read(r.outcomesJson().getBytes(StandardCharsets.UTF_8), TelemetryBatch.Outcomes.class);
        outcomeCount = saturatedAdd(outcomeCount, o.count());
        outcomeSum += o.sum();
        outcomeSquares += o.sumSquares();
      } catch (RuntimeException e) {
        skipped++;
      }
    }
  }

  String latencyMicros() {
    return latency == null ? null : LatencyHistograms.encode(latency);
  }

  /** The merged shadow comparison, or null when no row had one. */
  String shadowJson() {
    return shadow.isEmpty() ? null : Json.writeString(shadow.toComparison());
  }

  long shadowWeight() {
    return shadow.weight();
  }

  String outcomesJson() {
    if (outcomeCount == 0 || !Double.isFinite(outcomeSum) || !Double.isFinite(outcomeSquares)) {
      return null;
    }
    return Json.writeString(new TelemetryBatch.Outcomes(Math.min(outcomeCount, TelemetryBatch.MAX_COUNT), outcomeSum,
        outcomeSquares));
  }

  static long saturatedAdd(long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE;
    }
  }
}
