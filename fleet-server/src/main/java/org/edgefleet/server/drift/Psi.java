package org.edgefleet.server.drift;

/**
 * The drift statistics of one histogram against its reference, both on the same bins.
 *
 * <p>PSI = sum over bins of (a - e) * ln(a / e), where a and e are the shares of the live and the
 * reference values in the bin; a share of zero is taken as {@link #EPSILON} (an empty bin would
 * otherwise make PSI infinite). The binned KS distance is the largest gap between the two
 * cumulative shares at the bin edges: a lower bound of the KS statistic of the raw values, which
 * devices never send.
 */
public final class Psi {

  /** The share an empty bin counts as. */
  public static final double EPSILON = 1e-4;
  /** Fewest live values a histogram needs in the window for its PSI to mean something. */
  public static final long MIN_SAMPLES = 500;

  private Psi() {}

  public static double psi(long[] reference, long[] live) {
    requireSameBins(reference, live);
    double ref = total(reference);
    double now = total(live);
    if (ref == 0 || now == 0) {
      return 0;
    }
    double psi = 0;
    for (int i = 0; i < reference.length; i++) {
      double e = Math.max(reference[i] / ref, EPSILON);
      double a = Math.max(live[i] / now, EPSILON);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }

  /** Largest gap between the cumulative shares at the bin edges (0 to 1). */
  public static double binnedKs(long[] reference, long[] live) {
    requireSameBins(reference, live);
    double ref = total(reference);
    double now = total(live);
    if (ref == 0 || now == 0) {
      return 0;
    }
    double cr = 0;
    double cl = 0;
    double max = 0;
    for (int i = 0; i < reference.length; i++) {
      cr += reference[i];
      cl += live[i];
      max = Math.max(max, Math.abs(cr / ref - cl / now));
    }
    return max;
  }

  static long total(long[] counts) {
    long t = 0;
    for (long c : counts) {
      t = c > Long.MAX_VALUE - t ? Long.MAX_VALUE : t + c;
    }
    return t;
  }

  private static void requireSameBins(long[] reference, long[] live) {
    if (reference.length != live.length) {
      throw new IllegalArgumentException("reference has " + reference.length + " bins, live " + live.length);
    }
  }
}
