package org.edgefleet.server.drift;

import java.time.Instant;
import java.util.List;

/**
 * PSI per feature of one model version over time: the window cut into equal steps, each step's
 * PSI computed from the histograms received in it alone (null below {@link Psi#MIN_SAMPLES}).
 * Features are ordered worst first by their PSI over the whole window, at most the number asked.
 *
 * @param times the end of each step, oldest first; each line has one point per time
 * @param featuresTotal features the manifest bins, of which {@code features} holds the worst
 */
public record DriftSeries(String model, int version, String selector, Instant from, Instant to, long stepSeconds,
    List<Instant> times, double warnPsi, double alertPsi, int featuresTotal, List<Line> features) {

  /**
   * One feature's PSI per step.
   *
   * @param psi over the whole window, or null below {@link Psi#MIN_SAMPLES}
   */
  public record Line(String input, String feature, Double psi, DriftLevel level, List<Double> points) {}
}
