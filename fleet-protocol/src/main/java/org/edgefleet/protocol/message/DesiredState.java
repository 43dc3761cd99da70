package org.edgefleet.protocol.message;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * What the server wants a device to run. {@code revision} grows with every change for this
 * device, so a device can ignore a stale retained copy and the server can see in a report
 * whether the device has caught up.
 */
public record DesiredState(int v, String deviceId, long revision, Instant issuedAt, List<ModelAssignment> models) {

  public DesiredState {
    MessageCodec.requireVersion(v, "desired state");
    Topics.requireDeviceId(deviceId);
    if (revision < 1 || issuedAt == null) {
      throw new IllegalArgumentException("desired state needs a revision >= 1 and issuedAt");
    }
    models = models == null ? List.of() : List.copyOf(models);
    Set<String> names = new HashSet<>();
    for (ModelAssignment m : models) {
      if (!names.add(m.name() + "/" + m.role())) {
        throw new IllegalArgumentException("desired state assigns model " + m.name() + " twice in role " + m.role().wireName());
      }
    }
  }

  public DesiredState(String deviceId, long revision, Instant issuedAt, List<ModelAssignment> models) {
    this(MessageCodec.VERSION, deviceId, revision, issuedAt, models);
  }
}
