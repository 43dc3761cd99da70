package org.edgefleet.sim;

import java.util.Map;
import java.util.Objects;
import org.edgefleet.protocol.runtime.AgentVersion;
import org.edgefleet.protocol.runtime.Platform;

/**
 * What kind of device a simulated agent is: the labels it reports (which cohorts select it), how
 * often its application calls {@code predict}, how far its sensors have drifted from the
 * calibration data ({@code MotorDataGenerator.withDrift}: 0 none, 1 strong), where its
 * application's inputs come from, optionally the agent version and platform its agent reports
 * instead of its own (null: the real ones), to stand in for older agents or other hardware,
 * optionally a {@link FeatureShift}: input drift on chosen features only (null: none), and the
 * {@link Faults} of its devices (flapping links, kills mid-download, corrupted chunks, full disks,
 * slow hardware).
 */
public record DeviceProfile(String name, Map<String, String> labels, double predictsPerSecond, double drift,
    Inputs inputs, String agentVersion, Platform platform, FeatureShift shift, Faults faults) {

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
    if (agentVersion != null) {
      AgentVersion.parse(agentVersion);
    }
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    inputs = inputs == null ? Inputs.motor() : inputs;
    faults = faults == null ? Faults.NONE : faults;
  }

  /** A profile whose devices feed motor sensor rows and report their real agent version and platform. */
  public DeviceProfile(String name, Map<String, String> labels, double predictsPerSecond, double drift) {
    this(name, labels, predictsPerSecond, drift, Inputs.motor(), null, null, null, null);
  }

  /** A Raspberry Pi 4 class board in the EU, predicting a few times a second, no drift. */
  public static DeviceProfile defaultProfile() {
    return new DeviceProfile("rpi4-eu", Map.of("hw", "rpi4", "region", "eu"), 5, 0);
  }

  public DeviceProfile withInputs(Inputs source) {
    return new DeviceProfile(name, labels, predictsPerSecond, drift, Objects.requireNonNull(source, "inputs"),
        agentVersion, platform, shift, faults);
  }

  /** Devices whose agents report (and check bundles against) this agent version and platform. */
  public DeviceProfile reportingAs(String version, Platform reportedPlatform) {
    return new DeviceProfile(name, labels, predictsPerSecond, drift, inputs, Objects.requireNonNull(version, "version"),
        Objects.requireNonNull(reportedPlatform, "platform"), shift, faults);
  }

  /** Devices whose application inputs drift on the shift's features only. */
  public DeviceProfile withShift(FeatureShift featureShift) {
    return new DeviceProfile(name, labels, predictsPerSecond, drift, inputs, agentVersion, platform,
        Objects.requireNonNull(featureShift, "shift"), faults);
  }

  /** Devices with these faults. */
  public DeviceProfile withFaults(Faults deviceFaults) {
    return new DeviceProfile(name, labels, predictsPerSecond, drift, inputs, agentVersion, platform, shift,
        Objects.requireNonNull(deviceFaults, "faults"));
  }
}
