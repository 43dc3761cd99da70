package org.edgefleet.bench.report;

import java.util.Locale;

/** Number formatting for the results tables: three significant figures, no exponent for everyday sizes. */
public final class Numbers {

  private Numbers() {}

  public static String format(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    if (a >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  /** Three decimals below 10×, so that a ratio just over a goal such as 1.05× does not print as 1.05×. */
  public static String ratio(double r) {
    if (Double.isNaN(r) || Double.isInfinite(r)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, r < 10 ? "%.3f×" : "%.1f×", r);
  }

  public static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
