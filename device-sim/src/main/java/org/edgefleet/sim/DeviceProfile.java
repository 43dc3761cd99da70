package org.edgefleet.sim;

import java.util.Map;

/**
 * What kind of device a simulated agent is: the labels it reports (which cohorts select it), how
 * often its application calls {@code predict}, and how far its sensors have drifted from the
 * calibration data ({@code MotorDataGenerator.withDrift}: 0 none, 1 strong).
 */
public record DeviceProfile(String name, Map<String, String> labels, double predictsPerSecond, double drift) {

  public DeviceProfile {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a device profile needs a name");
    }
    if (!(predictsPerSecond >= 0) || predictsPerSecond > 10_000) {
      throw new IllegalArgumentException("profile " + name + ": predictsPerSecond must be between 0 and 10000");
    }
    if (!(drift >= 0)) {
      throw new IllegalArgumentException("profile " + name + ": drift must be >= 0");
    }
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** A Raspberry Pi 4 class board in the EU, predicting a few times a second, no drift. */
  public static DeviceProfile defaultProfile() {
    return new DeviceProfile("rpi4-eu", Map.of("hw", "rpi4", "region", "eu"), 5, 0);
  }
}
