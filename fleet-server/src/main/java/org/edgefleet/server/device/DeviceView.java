package org.edgefleet.server.device;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.message.ReportedState.Capabilities;
import org.edgefleet.protocol.message.ReportedState.SlotStatus;

/**
 * A device as the API shows it: identity, connectivity, what it can run ({@code capabilities}, null
 * until an agent that reports them has reported), the version of the key set it trusts
 * ({@code keySetVersion}, null when unknown) and every model it has or is getting.
 */
public record DeviceView(String id, Map<String, String> labels, boolean online, Instant firstSeen, Instant lastSeen,
    String agentVersion, long appliedRevision, String lastError, List<Model> models, Capabilities capabilities,
    Long keySetVersion) {

  /**
   * One model on the device.
   *
   * @param state what the device is doing with it: downloading, installing, active, failed..., from
   *     whichever is newer of the latest event and the latest report
   * @param stateVersion the version {@code state} is about
   */
  public record Model(String name, Integer activeVersion, String activeSlot, List<SlotStatus> slots, String state,
      Integer stateVersion, String reason, String details, Instant updatedAt) {}
}
