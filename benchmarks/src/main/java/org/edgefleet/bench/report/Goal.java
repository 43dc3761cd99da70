package org.edgefleet.bench.report;

import java.util.Locale;

/**
 * The target a measurement is held to: a ratio against its baseline (at most or at least), or an
 * absolute value (at most), as the issue states them.
 */
public record Goal(Kind kind, double limit) {

  /** How the limit applies. */
  public enum Kind { RATIO_AT_MOST, RATIO_AT_LEAST, VALUE_AT_MOST }

  public static Goal ratioAtMost(double limit) {
    return new Goal(Kind.RATIO_AT_MOST, limit);
  }

  public static Goal ratioAtLeast(double limit) {
    return new Goal(Kind.RATIO_AT_LEAST, limit);
  }

  public static Goal valueAtMost(double limit) {
    return new Goal(Kind.VALUE_AT_MOST, limit);
  }

  public boolean metBy(double value, double ratio) {
    return switch (kind) {
      case RATIO_AT_MOST -> ratio <= limit;
      case RATIO_AT_LEAST -> ratio >= limit;
      case VALUE_AT_MOST -> value <= limit;
    };
  }

  /** The goal as the results table shows it, e.g. {@code ≤ 1.05×} or {@code ≤ 64 MiB}. */
  public String describe(String unit) {
    return switch (kind) {
      case RATIO_AT_MOST -> String.format(Locale.ROOT, "≤ %.2f×", limit);
      case RATIO_AT_LEAST -> String.format(Locale.ROOT, "≥ %.2f×", limit);
      case VALUE_AT_MOST -> String.format(Locale.ROOT, "≤ %s %s", Numbers.format(limit), unit);
    };
  }
}
