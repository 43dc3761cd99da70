package org.edgefleet.sim;

import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.edgefleet.packager.sample.MotorDataGenerator;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.tensor.Tensor;

/** Motor sensor rows from the sample model's data generator, drifted as the profile says. */
final class MotorInputs implements InputSource {

  private final MotorDataGenerator sensors;
  private final Random random;
  private final String input;

  MotorInputs(double drift, long seed, String input) {
    this.sensors = MotorDataGenerator.create().withDrift(drift);
    this.random = new Random(seed);
    this.input = input;
  }

  @Override
  public Optional<Map<String, Tensor>> next(Manifest active, Map<String, Tensor> previousOutputs) {
    return Optional.of(Map.of(input, Tensor.row(sensors.sample(random).features())));
  }
}
