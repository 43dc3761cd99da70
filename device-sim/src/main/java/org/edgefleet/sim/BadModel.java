package org.edgefleet.sim;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A model version that misbehaves on the devices whose labels include {@code labels}: it passes
 * its self-test (its first {@code manifest.testVectors().size()} runs are sound), then is slow,
 * fails to run, emits NaN, or disagrees with the real model on every {@code disagreeEvery}-th run
 * (and is slow by {@code slowBy} on every run, when given), so that rollout gates, the agent's
 * health window and shadow comparisons can be seen to work. {@code from} is when it starts
 * misbehaving in service: an instant on a switch the test turns with {@link BadModel.Switch#on()},
 * or always (a switch that starts on).
 */
public record BadModel(String model, int version, Behaviour behaviour, Map<String, String> labels, Duration slowBy,
    Switch from, int disagreeEvery) {

  /**
   * How the version misbehaves. DISAGREE reverses each floating output's values (the top class of
   * a row of scores moves to the other end) and turns each integer output {@code x} into {@code 1 - x}.
   */
  public enum Behaviour { SLOW, FAIL, NAN, DISAGREE }

  /** Turns the misbehaviour on for every device at once. */
  public static final class Switch {
    private volatile boolean on;

    public Switch(boolean on) {
      this.on = on;
    }

    public void on() {
      on = true;
    }

    boolean isOn() {
      return on;
    }
  }

  public BadModel {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(behaviour, "behaviour");
    if (version < 1) {
      throw new IllegalArgumentException("bad model version must be >= 1, was " + version);
    }
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    slowBy = slowBy == null ? Duration.ZERO : slowBy;
    if (behaviour == Behaviour.SLOW && (slowBy.isNegative() || slowBy.isZero())) {
      throw new IllegalArgumentException("a slow bad model needs slowBy > 0");
    }
    from = from == null ? new Switch(true) : from;
    if ((behaviour == Behaviour.DISAGREE) != (disagreeEvery > 0)) {
      throw new IllegalArgumentException("a disagreeing bad model, and only one, needs disagreeEvery >= 1, was " + disagreeEvery);
    }
  }

  public BadModel(String model, int version, Behaviour behaviour, Map<String, String> labels, Duration slowBy, Switch from) {
    this(model, version, behaviour, labels, slowBy, from, 0);
  }

  /** Disagrees on every {@code every}-th run after its self-test, each run slower by {@code slowBy} (zero: not slower). */
  public static BadModel disagrees(String model, int version, Map<String, String> labels, int every, Duration slowBy) {
    return new BadModel(model, version, Behaviour.DISAGREE, labels, slowBy, null, every);
  }

  public static BadModel emitsNan(String model, int version, Map<String, String> labels, Switch from) {
    return new BadModel(model, version, Behaviour.NAN, labels, null, from);
  }

  public static BadModel fails(String model, int version, Map<String, String> labels) {
    return new BadModel(model, version, Behaviour.FAIL, labels, null, null);
  }

  public static BadModel slow(String model, int version, Map<String, String> labels, Duration by) {
    return new BadModel(model, version, Behaviour.SLOW, labels, by, null);
  }

  boolean appliesTo(Map<String, String> deviceLabels) {
    return deviceLabels.entrySet().containsAll(labels.entrySet());
  }
}
