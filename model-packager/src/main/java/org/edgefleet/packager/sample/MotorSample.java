package org.edgefleet.packager.sample;

import java.util.Arrays;
import java.util.Objects;

/**
 * One labelled feature row. The feature array is copied in and out, so a sample never changes.
 *
 * @param features values in {@link MotorFeature} order
 * @param mode     the motor's condition; the binary label follows from it
 */
public record MotorSample(float[] features, FaultMode mode) {

  public MotorSample {
    Objects.requireNonNull(features, "features must not be null");
    Objects.requireNonNull(mode, "mode must not be null");
    if (features.length != MotorFeature.COUNT) {
      throw new IllegalArgumentException("a motor sample has " + MotorFeature.COUNT
          + " features " + MotorFeature.names() + ", got " + features.length);
    }
    features = features.clone();
  }

  @Override
  public float[] features() {
    return features.clone();
  }

  public float feature(MotorFeature feature) {
    return features[feature.index()];
  }

  /** True for any fault mode: the binary label the model learns. */
  public boolean fault() {
    return mode.isFault();
  }

  /** The class index the model predicts: 0 normal, 1 fault. */
  public int label() {
    return fault() ? 1 : 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MotorSample other && mode == other.mode && Arrays.equals(features, other.features);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(features) + mode.hashCode();
  }

  @Override
  public String toString() {
    return "MotorSample[" + mode + ", " + Arrays.toString(features) + "]";
  }
}
