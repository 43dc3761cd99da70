package org.edgefleet.packager.stats;

/** Where reference histogram bin edges go. */
public enum Binning {
  /**
   * Edges at quantiles of the calibration values, so each bin holds about the same share of
   * them. PSI is most sensitive this way, and skewed features still get useful bins. Tied
   * values merge bins, so a feature may get fewer bins than asked for.
   */
  QUANTILE,
  /** Edges evenly spaced between the smallest and largest calibration value. */
  EQUAL_WIDTH
}
