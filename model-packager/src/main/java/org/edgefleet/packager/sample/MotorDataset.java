package org.edgefleet.packager.sample;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/** An immutable, ordered list of labelled motor rows. */
public final class MotorDataset {

  private final List<MotorSample> samples;

  private MotorDataset(List<MotorSample> samples) {
    this.samples = samples;
  }

  public static MotorDataset of(List<MotorSample> samples) {
    Objects.requireNonNull(samples, "samples must not be null");
    return new MotorDataset(List.copyOf(samples));
  }

  public List<MotorSample> samples() {
    return samples;
  }

  public int size() {
    return samples.size();
  }

  public MotorSample get(int index) {
    return samples.get(index);
  }

  public long faultCount() {
    return samples.stream().filter(MotorSample::fault).count();
  }

  /** Feature rows as a fresh matrix, one row a sample. */
  public float[][] features() {
    float[][] rows = new float[samples.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = samples.get(i).features();
    }
    return rows;
  }

  /** Class indices (0 normal, 1 fault), one a sample. */
  public int[] labels() {
    return samples.stream().mapToInt(MotorSample::label).toArray();
  }

  /** The first {@code count} rows. */
  public MotorDataset head(int count) {
    if (count < 0 || count > samples.size()) {
      throw new IllegalArgumentException("cannot take " + count + " rows of " + samples.size());
    }
    return new MotorDataset(samples.subList(0, count));
  }

  /**
   * Shuffles with the seed and splits off {@code testFraction} of the rows as the test set, so
   * that rows read back in file order still give an unbiased split.
   */
  public Split split(double testFraction, long seed) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("test fraction must be between 0 and 1 (exclusive), got " + testFraction);
    }
    List<MotorSample> shuffled = new ArrayList<>(samples);
    Collections.shuffle(shuffled, new Random(seed));
    int testSize = (int) Math.round(samples.size() * testFraction);
    int trainSize = shuffled.size() - testSize;
    return new Split(new MotorDataset(List.copyOf(shuffled.subList(0, trainSize))),
        new MotorDataset(List.copyOf(shuffled.subList(trainSize, shuffled.size()))));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MotorDataset other && samples.equals(other.samples);
  }

  @Override
  public int hashCode() {
    return samples.hashCode();
  }

  @Override
  public String toString() {
    return "MotorDataset[" + samples.size() + " rows, " + faultCount() + " faults]";
  }

  /** A train/test split of one dataset. */
  public record Split(MotorDataset train, MotorDataset test) {
    public Split {
      Objects.requireNonNull(train, "train must not be null");
      Objects.requireNonNull(test, "test must not be null");
    }
  }
}
