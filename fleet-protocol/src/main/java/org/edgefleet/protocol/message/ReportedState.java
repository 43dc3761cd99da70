package org.edgefleet.protocol.message;

import java.util.stream.Collectors;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * What a device has: its agent version and labels, the desired revision it has applied, and for
 * every model the versions in its slots and which one is active, what it can run
 * ({@code capabilities}, absent from agents older than 0.2.0), and the version of the key set it
 * trusts ({@code keySetVersion}: absent when unknown, from an older agent or one that trusts fixed
 * keys), so that after a rotation operators see which devices still trust an older key set.
 */
public record ReportedState(int v, String deviceId, String agentVersion, Map<String, String> labels,
    long appliedRevision, List<ModelStatus> models, String lastError, Instant time, Capabilities capabilities,
    Long keySetVersion) {

  public static final int MAX_BYTES = 64 * 1024;

  public ReportedState {
    MessageCodec.requireVersion(v, "reported state");
    Topics.requireDeviceId(deviceId);
    if (time == null) {
      throw new IllegalArgumentException("reported state needs a time");
    }
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    models = models == null ? List.of() : List.copyOf(models);
    if (keySetVersion != null && keySetVersion < 1) {
      throw new IllegalArgumentException("reported state keySetVersion must be at least 1 when given, was " + keySetVersion);
    }
  }

  /** A report that does not say which key set the device trusts. */
  public ReportedState(int v, String deviceId, String agentVersion, Map<String, String> labels, long appliedRevision,
      List<ModelStatus> models, String lastError, Instant time, Capabilities capabilities) {
    this(v, deviceId, agentVersion, labels, appliedRevision, models, lastError, time, capabilities, null);
  }

  /** A report without capabilities, as agents before 0.2.0 send it. */
  public ReportedState(int v, String deviceId, String agentVersion, Map<String, String> labels, long appliedRevision,
      List<ModelStatus> models, String lastError, Instant time) {
    this(v, deviceId, agentVersion, labels, appliedRevision, models, lastError, time, null, null);
  }

  /**
   * What the device can run, for the server to check a bundle against before it rolls it out.
   *
   * @param arch the normalised platform name, {@code os-cpu} ({@code linux-aarch64}; see
   *     {@code org.edgefleet.protocol.runtime.Platform})
   * @param formats the model formats the agent has engines for, by wire name ({@code onnx},
   *     {@code tflite}); text, so a newer agent's format does not make an older server refuse the report
   * @param maxBundleBytes the largest bundle the agent accepts, or null when it does not say
   * @param freeDiskBytes usable space in its data directory when it reported, or null
   */
  public record Capabilities(String arch, List<String> formats, Long maxBundleBytes, Long freeDiskBytes) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,64}");
    private static final int MAX_FORMATS = 16;

    public Capabilities {
      if (arch == null || !NAME.matcher(arch).matches()) {
        throw new IllegalArgumentException("capabilities.arch '" + arch + "' must be a platform name like linux-x86_64");
      }
      formats = formats == null ? List.of() : List.copyOf(formats.stream().map(f -> f == null ? "" : f).collect(Collectors.toList()));
      if (formats.size() > MAX_FORMATS || !formats.stream().allMatch(f -> NAME.matcher(f).matches())) {
        throw new IllegalArgumentException("capabilities.formats must be at most " + MAX_FORMATS
            + " lower-case format names like onnx, was " + formats);
      }
      if (maxBundleBytes != null && maxBundleBytes < 0 || freeDiskBytes != null && freeDiskBytes < 0) {
        throw new IllegalArgumentException("capabilities.maxBundleBytes and freeDiskBytes must be >= 0 when given");
      }
    }
  }

  /**
   * One model on the device.
   *
   * @param activeVersion the version serving predictions, or null when none is active
   * @param state what the agent is doing with the model: e.g. idle, downloading, installing, failed
   */
  public record ModelStatus(String name, Integer activeVersion, String activeSlot, List<SlotStatus> slots, String state) {
    public ModelStatus {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("model status needs a name");
      }
      slots = slots == null ? List.of() : List.copyOf(slots);
    }
  }

  /** One installed slot. */
  public record SlotStatus(String slot, int version, String digest) {}
}
