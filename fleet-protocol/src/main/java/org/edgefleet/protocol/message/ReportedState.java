package org.edgefleet.protocol.message;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * What a device has: its agent version and labels, the desired revision it has applied, and for
 * every model the versions in its slots and which one is active.
 */
public record ReportedState(int v, String deviceId, String agentVersion, Map<String, String> labels,
    long appliedRevision, List<ModelStatus> models, String lastError, Instant time) {

  public static final int MAX_BYTES = 64 * 1024;

  public ReportedState {
    MessageCodec.requireVersion(v, "reported state");
    Topics.requireDeviceId(deviceId);
    if (time == null) {
      throw new IllegalArgumentException("reported state needs a time");
    }
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    models = models == null ? List.of() : List.copyOf(models);
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
