package org.edgefleet.server.drift;

/**
 * How far live inputs moved from the reference data, by PSI (see docs/monitoring.md): the
 * conventional thresholds 0.1 (warn) and 0.25 (alert). A rollout gate reads it.
 */
public enum DriftLevel {
  /** Too few live values to tell (fewer than {@link Psi#MIN_SAMPLES} in the window). */
  NO_DATA,
  /** PSI below {@link #WARN_PSI}: no meaningful shift. */
  OK,
  /** PSI from {@link #WARN_PSI} to below {@link #ALERT_PSI}: a moderate shift worth watching. */
  WARN,
  /** PSI at or above {@link #ALERT_PSI}: the inputs no longer look like the reference data. */
  ALERT;

  public static final double WARN_PSI = 0.1;
  public static final double ALERT_PSI = 0.25;

  public static DriftLevel of(double psi) {
    return psi >= ALERT_PSI ? ALERT : psi >= WARN_PSI ? WARN : OK;
  }

  /** The worse of two levels (NO_DATA counts as the least severe). */
  public DriftLevel worst(DriftLevel other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
