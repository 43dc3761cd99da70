package org.edgefleet.bench.connected;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The server's {@code fleet_telemetry_ingest_lag_seconds} histogram between two scrapes: how many
 * batches were stored in the window, and within which bucket bound 50 % and 99 % of them were.
 * A quantile is reported as its bucket's upper bound, never interpolated: "p99 at most 1.5 s".
 */
record IngestLag(long stored, double p50AtMost, double p99AtMost, double shareWithin2s) {

  static final String BUCKET = "fleet_telemetry_ingest_lag_seconds_bucket{le=\"";

  static IngestLag between(Map<String, Double> before, Map<String, Double> after) {
    List<double[]> buckets = new ArrayList<>(); // {bound, count in window}, cumulative, in order of bound
    for (Map.Entry<String, Double> e : after.entrySet()) {
      if (e.getKey().startsWith(BUCKET)) {
        String le = e.getKey().substring(BUCKET.length(), e.getKey().length() - 2);
        double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
        buckets.add(new double[] {bound, e.getValue() - before.getOrDefault(e.getKey(), 0.0)});
      }
    }
    if (buckets.isEmpty()) {
      throw new IllegalStateException("the server's /metrics has no fleet_telemetry_ingest_lag_seconds histogram");
    }
    buckets.sort((a, b) -> Double.compare(a[0], b[0]));
    double total = buckets.get(buckets.size() - 1)[1];
    double within2s = 0;
    for (double[] b : buckets) {
      if (b[0] == 2.0) {
        within2s = b[1];
      }
    }
    return new IngestLag((long) total, atMost(buckets, total, 0.50), atMost(buckets, total, 0.99),
        total == 0 ? 0 : within2s / total);
  }

  private static double atMost(List<double[]> buckets, double total, double quantile) {
    for (double[] b : buckets) {
      if (b[1] >= quantile * total) {
        return b[0];
      }
    }
    return Double.POSITIVE_INFINITY;
  }
}
