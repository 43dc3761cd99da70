package org.edgefleet.server.drift;

import java.time.Instant;
import java.util.List;
import org.edgefleet.protocol.bundle.FeatureStats;
import org.edgefleet.server.registry.RetrainingFlag;

/**
 * Drift of one model version's inputs from {@code from} to {@code to} on the devices a selector picks,
 * against the manifest's reference statistics.
 *
 * @param level the worst level of any feature
 * @param devicesReporting devices whose histograms the window holds
 * @param needsRetraining the version's retraining flag, if set
 */
public record DriftReport(String model, int version, String selector, Instant from, Instant to, DriftLevel level,
    int devicesReporting, List<Feature> features, RetrainingFlag needsRetraining) {

  /**
   * One histogram's drift.
   *
   * @param psi population stability index against the reference, or null below {@link Psi#MIN_SAMPLES}
   * @param ksBinned KS distance of the binned distributions (a lower bound of the raw KS), or null like psi
   * @param samples live values binned in the window
   * @param referenceSamples values of the calibration data in the reference histogram
   */
  public record Feature(String input, String feature, FeatureStats.Summary summary, Double psi, Double ksBinned,
      DriftLevel level, long samples, long referenceSamples) {}
}
