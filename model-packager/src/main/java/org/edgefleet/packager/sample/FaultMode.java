package org.edgefleet.packager.sample;

/** The condition a generated motor is in; every mode but {@link #NONE} is labelled a fault. */
public enum FaultMode {
  /** Healthy motor. */
  NONE,
  /** Rolling-element bearing wear: impacts raise kurtosis and crest factor, then RMS and heat. */
  BEARING_WEAR,
  /** Rotor mass imbalance: radial vibration at 1x shaft speed, growing with the square of rpm. */
  IMBALANCE,
  /** Overload or blocked cooling: stator current and bearing temperature rise. */
  OVERHEATING,
  /** A fault whose mode was not recorded, such as a fault row read back from CSV. */
  UNKNOWN_FAULT;

  public boolean isFault() {
    return this != NONE;
  }
}
