package org.edgefleet.agent.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import org.edgefleet.protocol.message.TelemetryBatch;

/**
 * How a shadow version's outputs compared with the active version's over one telemetry interval:
 * top-1 agreement for outputs shaped like one row of class scores, the mean absolute difference
 * per output otherwise. Comparisons are recorded by the one shadow worker and read by the agent
 * loop (synchronized); a skip is counted on the caller's thread, lock-free.
 */
public final class ShadowStats {

  private volatile int activeVersion;
  private final LongAdder skipped = new LongAdder();
  private long top1Compared;
  private long top1Agreed;
  private final Map<String, double[]> absDiff = new TreeMap<>(); // output -> {sum, elements}

  /** A shadow run left out because the queue was full. */
  public void skipped(int against) {
    activeVersion = against;
    skipped.increment();
  }

  public synchronized void top1(int against, boolean agreed) {
    activeVersion = against;
    top1Compared++;
    if (agreed) {
      top1Agreed++;
    }
  }

  public synchronized void absDiff(int against, String output, double sum, long elements) {
    activeVersion = against;
    double[] acc = absDiff.computeIfAbsent(output, o -> new double[2]);
    acc[0] += sum;
    acc[1] += elements;
  }

  /** The interval's comparison, or null when this version did not run as a shadow; resets. */
  public synchronized TelemetryBatch.ShadowComparison takeInterval() {
    long skips = skipped.sumThenReset();
    if (activeVersion == 0 || skips == 0 && top1Compared == 0 && absDiff.isEmpty()) {
      return null;
    }
    Map<String, Double> means = new TreeMap<>();
    absDiff.forEach((output, acc) -> {
      double mean = acc[0] / acc[1];
      if (Double.isFinite(mean)) {
        means.put(output, mean);
      }
    });
    TelemetryBatch.ShadowComparison c = new TelemetryBatch.ShadowComparison(activeVersion, skips, top1Compared, top1Agreed,
        means);
    top1Compared = 0;
    top1Agreed = 0;
    absDiff.clear();
    return c;
  }
}
