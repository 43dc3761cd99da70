package org.edgefleet.packager.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded synthetic feature rows of a 5.5 kW, 2-pole induction motor on a variable-frequency
 * drive (600-3000 rpm, 11 A rated current), for condition monitoring.
 *
 * <p>Each row draws an operating point (speed, load, ambient temperature, the mounting of this
 * motor), derives healthy readings from it, then applies a fault mode with a random severity.
 * Mild faults look like healthy motors under stress, so the classes overlap and no model
 * reaches 100 % accuracy. See docs/sample-model.md for the figures behind each formula.
 *
 * <p>{@link #withDrift(double)} changes the sensors, not the motor: the label stays what the
 * motor's condition is, while readings shift as if the ambient warmed up, the accelerometer
 * mount loosened and the current sensor's offset crept. The device simulator uses it to feed
 * drifting inputs.
 *
 * <p>Instances are immutable. The same seed gives the same rows on every JVM and CPU: Random is
 * specified bit for bit, and transcendental functions come from StrictMath, not Math (which
 * may use platform intrinsics).
 */
public final class MotorDataGenerator {

  public static final double DEFAULT_FAULT_RATE = 0.15;

  private static final double MIN_RPM = 600;
  private static final double MAX_RPM = 3000;
  private static final double RATED_CURRENT_A = 11.0;
  private static final double NO_LOAD_CURRENT_A = 3.9;
  private static final double MEAN_AMBIENT_C = 25;
  /** Share of healthy rows with a load-step transient, which looks like an early bearing impact. */
  private static final double TRANSIENT_RATE = 0.06;

  /** Per unit of drift: ambient warming, radial vibration gain, current sensor offset. */
  private static final double DRIFT_AMBIENT_C = 8.0;
  private static final double DRIFT_VIB_GAIN = 0.30;
  private static final double DRIFT_CURRENT_OFFSET_A = 0.4;

  private final double faultRate;
  private final double drift;

  private MotorDataGenerator(double faultRate, double drift) {
    this.faultRate = faultRate;
    this.drift = drift;
  }

  /** A generator with {@link #DEFAULT_FAULT_RATE} faults and no drift. */
  public static MotorDataGenerator create() {
    return new MotorDataGenerator(DEFAULT_FAULT_RATE, 0);
  }

  /** The same generator with the given share of faulty rows, in [0, 1]. */
  public MotorDataGenerator withFaultRate(double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("fault rate must be between 0 and 1, got " + rate);
    }
    return new MotorDataGenerator(rate, drift);
  }

  /**
   * The same generator with sensor drift: 0 is none, 1 means +8 degC ambient, +30 % radial
   * vibration gain and +0.4 A current offset; values scale linearly (2 doubles all of them).
   */
  public MotorDataGenerator withDrift(double amount) {
    if (!(amount >= 0 && Double.isFinite(amount))) {
      throw new IllegalArgumentException("drift must be a finite number >= 0, got " + amount);
    }
    return new MotorDataGenerator(faultRate, amount);
  }

  public double faultRate() {
    return faultRate;
  }

  public double drift() {
    return drift;
  }

  /** Column names in row order; the same as {@link MotorFeature#names()}. */
  public static List<String> featureNames() {
    return MotorFeature.names();
  }

  /** One row; healthy or faulty according to the fault rate. */
  public MotorSample sample(Random random) {
    return sample(random, drawMode(random));
  }

  /** One row from its own seed, for callers that need a row without sharing a Random. */
  public MotorSample sample(long seed) {
    return sample(new Random(seed));
  }

  /** One row of the given condition, ignoring the fault rate. */
  public MotorSample sample(Random random, FaultMode mode) {
    if (mode == FaultMode.UNKNOWN_FAULT) {
      throw new IllegalArgumentException("UNKNOWN_FAULT has no physics to generate; pick a concrete fault mode");
    }
    OperatingPoint op = OperatingPoint.draw(random);
    double severity = 0.05 + 0.95 * random.nextDouble();
    return new MotorSample(readings(random, op, mode, severity), mode);
  }

  /** {@code rows} rows drawn from one Random seeded with {@code seed}. */
  public MotorDataset dataset(int rows, long seed) {
    if (rows < 0) {
      throw new IllegalArgumentException("row count must be >= 0, got " + rows);
    }
    Random random = new Random(seed);
    List<MotorSample> samples = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      samples.add(sample(random));
    }
    return MotorDataset.of(samples);
  }

  private FaultMode drawMode(Random random) {
    if (random.nextDouble() >= faultRate) {
      return FaultMode.NONE;
    }
    double pick = random.nextDouble();
    // Bearings cause most motor failures in surveys, then mechanical, then thermal causes.
    if (pick < 0.40) {
      return FaultMode.BEARING_WEAR;
    }
    return pick < 0.75 ? FaultMode.IMBALANCE : FaultMode.OVERHEATING;
  }

  private float[] readings(Random random, OperatingPoint op, FaultMode mode, double severity) {
    double speed = op.rpm / MAX_RPM;

    // Healthy vibration: residual imbalance and misalignment grow with speed, load adds some.
    double base = (0.45 + 1.1 * speed * speed + 0.3 * op.load) * op.mounting;
    double rmsX = base * logNormal(random, 0.10);
    double rmsY = 0.85 * base * logNormal(random, 0.10);
    double rmsZ = 0.55 * base * logNormal(random, 0.12);
    double kurtosis = 3.0 + 0.3 * random.nextGaussian();
    if (random.nextDouble() < TRANSIENT_RATE) {
      kurtosis += 2.5 * random.nextDouble();
    }
    double current = NO_LOAD_CURRENT_A + (RATED_CURRENT_A - NO_LOAD_CURRENT_A) * op.load;
    double extraHeat = 0;

    switch (mode) {
      case BEARING_WEAR -> {
        // Impacts show in kurtosis first; broadband RMS and friction heat follow late.
        kurtosis += 1.0 + 6.0 * severity + 0.5 * random.nextGaussian();
        double growth = 1 + 0.8 * severity * severity;
        rmsX *= growth;
        rmsY *= growth;
        rmsZ *= 1 + 0.5 * severity * severity;
        extraHeat = 8 * severity;
      }
      case IMBALANCE -> {
        // Centrifugal force goes with speed squared; the horizontal axis is less stiff.
        double oneX = 6.0 * severity * speed * speed;
        double share = oneX * oneX / (oneX * oneX + rmsX * rmsX);
        rmsX = StrictMath.hypot(rmsX, oneX);
        rmsY = StrictMath.hypot(rmsY, 0.8 * oneX);
        rmsZ = StrictMath.hypot(rmsZ, 0.2 * oneX);
        // A dominant sine pulls kurtosis towards 1.5.
        kurtosis = (1 - share) * kurtosis + share * 1.5;
      }
      case OVERHEATING -> {
        current *= 1.08 + 0.25 * severity;
        extraHeat = 5 + 20 * severity;
      }
      default -> { }
    }
    current += 0.2 * random.nextGaussian();
    // A sine has crest factor 1.41, Gaussian noise about 3.2; impacts push it up.
    double crest = 3.2 + 0.35 * (kurtosis - 3.0) + 0.25 * random.nextGaussian();

    // Copper losses go with current squared; the shaft fan cools less at low speed.
    double relative = current / RATED_CURRENT_A;
    double temp = op.ambient + 10 + 30 * relative * relative + 5 * speed + extraHeat
        + 1.5 * random.nextGaussian();

    float[] row = new float[MotorFeature.COUNT];
    row[MotorFeature.VIB_RMS_X.index()] = (float) Math.max(0.05, rmsX * (1 + DRIFT_VIB_GAIN * drift));
    row[MotorFeature.VIB_RMS_Y.index()] = (float) Math.max(0.05, rmsY * (1 + DRIFT_VIB_GAIN * drift));
    row[MotorFeature.VIB_RMS_Z.index()] = (float) Math.max(0.05, rmsZ);
    row[MotorFeature.VIB_KURTOSIS.index()] = (float) Math.max(1.2, kurtosis);
    row[MotorFeature.VIB_CREST_FACTOR.index()] = (float) Math.max(1.3, crest);
    row[MotorFeature.BEARING_TEMP_C.index()] = (float) (temp + DRIFT_AMBIENT_C * drift);
    row[MotorFeature.WINDING_CURRENT_A.index()] =
        (float) Math.max(0, current + DRIFT_CURRENT_OFFSET_A * drift);
    row[MotorFeature.RPM.index()] = (float) (op.rpm + 5 * random.nextGaussian());
    return row;
  }

  private static double logNormal(Random random, double sigma) {
    return StrictMath.exp(sigma * random.nextGaussian());
  }

  /** Where the motor runs for this row; independent of its condition. */
  private record OperatingPoint(double rpm, double load, double ambient, double mounting) {

    static OperatingPoint draw(Random random) {
      double rpm = MIN_RPM + (MAX_RPM - MIN_RPM) * random.nextDouble();
      double load = Math.min(1.05, Math.max(0.2, 0.65 + 0.15 * random.nextGaussian()));
      double ambient = MEAN_AMBIENT_C + 4 * random.nextGaussian();
      // Foundations and mounting differ from motor to motor by about +-25 %.
      double mounting = logNormal(random, 0.25);
      return new OperatingPoint(rpm, load, ambient, mounting);
    }
  }
}
