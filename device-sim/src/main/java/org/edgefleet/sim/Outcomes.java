package org.edgefleet.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * What the simulated application reports as each request's outcome (a click, a conversion...),
 * by the version that served it: the version's mean, {@code spread} above it and below it in
 * turn. Taking turns rather than drawing at random makes each arm's mean the injected one up to
 * one unpaired outcome per device, so an A/B scenario with no effect cannot come out significant
 * by chance, while the outcomes' standard deviation is still {@code spread}.
 */
public record Outcomes(Map<Integer, Double> meanByVersion, double spread) {

  public Outcomes {
    meanByVersion = Map.copyOf(meanByVersion);
    if (!(spread >= 0) || Double.isInfinite(spread)) {
      throw new IllegalArgumentException("outcome spread must be finite and >= 0, was " + spread);
    }
  }

  /** One device's sequence of outcomes; used by the one application thread of its device at a time. */
  final class Sequence {
    private final Map<Integer, Long> served = new HashMap<>();

    /** The outcome of a request the version served; a version without a mean has none (NaN). */
    double next(int version) {
      Double mean = meanByVersion.get(version);
      if (mean == null) {
        return Double.NaN;
      }
      long n = served.merge(version, 1L, Long::sum);
      return n % 2 == 1 ? mean + spread : mean - spread;
    }
  }
}
