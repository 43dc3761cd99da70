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
 * are those of the rows it holds), A/B outcomes add up. A stored value that no longer decodes is
 * left out of the merge and counted in {@link #skipped}.
 */
final class ModelBucket {

  long inferences;
  long errors;
  private Histogram latency;
  private long outcomeCount;
  private double outcomeSum;
  private double outcomeSquares;
  int skipped;

  void add(long inferences, long errors, String latencyMicros, String outcomesJson) {
    this.inferences = saturatedAdd(this.inferences, inferences);
    this.errors = saturatedAdd(this.errors, errors);
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
    if (outcomesJson != null) {
      try {
        TelemetryBatch.Outcomes o = Json.read(outcomesJson.getBytes(StandardCharsets.UTF_8), TelemetryBatch.Outcomes.class);
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
