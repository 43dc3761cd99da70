package org.edgefleet.packager.sample;

import java.util.Arrays;
import java.util.Objects;

/**
 * One labelled feature row. The feature array is copied in and out, so a sample never changes.
 *
 * @param features values in {@link MotorFeature} order
 * @param mode     the condition that produced the row; {@link FaultMode#NONE} when it is unknown
 *                 but the row is healthy (rows read back from CSV only keep the binary label)
 * @param fault    the binary label the model learns: true for any fault
 */
public record MotorSample(float[] features, FaultMode mode, boolean fault) {

    public MotorSample {
        Objects.requireNonNull(features, "features must not be null");
        Objects.requireNonNull(mode, "mode must not be null");
        if (features.length != MotorFeature.COUNT) {
            throw new IllegalArgumentException("a motor sample has " + MotorFeature.COUNT
                    + " features " + MotorFeature.names() + ", got " + features.length);
        }
        if (mode.isFault() && !fault) {
            throw new IllegalArgumentException("fault mode " + mode + " must be labelled a fault");
        }
        features = features.clone();
    }

    /** A generated sample whose label follows from its mode. */
    public static MotorSample of(float[] features, FaultMode mode) {
        return new MotorSample(features, mode, mode.isFault());
    }

    @Override
    public float[] features() {
        return features.clone();
    }

    public float feature(MotorFeature feature) {
        return features[feature.index()];
    }

    /** The class index the model predicts: 0 normal, 1 fault. */
    public int label() {
        return fault ? 1 : 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MotorSample other
                && fault == other.fault
                && mode == other.mode
                && Arrays.equals(features, other.features);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(features) + mode.hashCode()) + Boolean.hashCode(fault);
    }

    @Override
    public String toString() {
        return "MotorSample[" + mode + (fault ? ", fault" : ", normal") + ", " + Arrays.toString(features) + "]";
    }
}
