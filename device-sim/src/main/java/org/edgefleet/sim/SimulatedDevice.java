package org.edgefleet.sim;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.PredictionException;
import org.edgefleet.packager.sample.MotorDataGenerator;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * One simulated device: a real {@link EdgeAgent} and the application on top of it, which reads
 * motor sensors (the sample model's data generator) and asks the agent for a prediction.
 */
public final class SimulatedDevice {

  private final EdgeAgent agent;
  private final DeviceProfile profile;
  private final MotorDataGenerator sensors;
  private final Random random;
  private final String model;
  private final String input;
  private final AtomicLong predictions = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();

  SimulatedDevice(EdgeAgent agent, DeviceProfile profile, String model, String input, long seed) {
    this.agent = agent;
    this.profile = profile;
    this.model = model;
    this.input = input;
    this.random = new Random(seed);
    this.sensors = MotorDataGenerator.create().withDrift(profile.drift());
  }

  /** Reads the sensors once and predicts; a device with no active model yet skips the reading. */
  void predictOnce() {
    if (agent.activeVersion(model).isEmpty()) {
      skipped.incrementAndGet();
      return;
    }
    float[] features = sensors.sample(random).features();
    try {
      agent.predict(model, Map.of(input, Tensor.row(features)));
      predictions.incrementAndGet();
    } catch (PredictionException e) {
      failures.incrementAndGet();
    }
  }

  public EdgeAgent agent() {
    return agent;
  }

  public String id() {
    return agent.deviceId();
  }

  public DeviceProfile profile() {
    return profile;
  }

  /** Predictions that returned a result. */
  public long predictions() {
    return predictions.get();
  }

  /** Predictions that failed (the agent threw). */
  public long failures() {
    return failures.get();
  }

  /** Sensor readings dropped because no model was active yet. */
  public long skipped() {
    return skipped.get();
  }
}
