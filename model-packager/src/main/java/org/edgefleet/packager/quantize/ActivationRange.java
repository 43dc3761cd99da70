package org.edgefleet.packager.quantize;

import java.util.Locale;

/**
 * How an activation's range is taken from the calibration run: the smallest and largest value
 * seen ({@link #minMax()}), or the {@code p}th percentile at each end ({@link #percentile}),
 * which ignores rare outliers so that the common values keep more of the 256 steps. The range
 * always includes 0, so that zero (padding, Relu) is exact.
 */
public record ActivationRange(Double percentile) {

  /** Bins of the histogram percentiles are read from, between the observed min and max. */
  static final int HISTOGRAM_BINS = 2048;

  public ActivationRange {
    if (percentile != null && !(percentile > 50 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (50, 100], got " + percentile);
    }
  }

  public static ActivationRange minMax() {
    return new ActivationRange(null);
  }

  public static ActivationRange percentile(double p) {
    return new ActivationRange(p);
  }

  boolean isMinMax() {
    return percentile == null;
  }

  /** {@code minmax} or {@code percentile-99.99}, as the manifest writes it. */
  public String wireName() {
    return isMinMax() ? "minmax" : String.format(Locale.ROOT, "percentile-%s", percentile.toString().replaceAll("\\.0$", ""));
  }
}
