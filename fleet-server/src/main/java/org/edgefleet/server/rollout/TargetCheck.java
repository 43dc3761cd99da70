package org.edgefleet.server.rollout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.runtime.Compatibility;
import org.edgefleet.protocol.runtime.Incompatibility;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.device.DeviceRecord;
import org.edgefleet.server.registry.ModelVersion;

/** Whether a target device can run a rollout's bundle, from what the device last reported. */
final class TargetCheck {

  /** One device that cannot run the bundle: the first reason's code, and every reason in words. */
  record Refused(String deviceId, String reason, String details) {}

  private static final int LISTED_IN_MESSAGE = 5;

  private TargetCheck() {}

  /** Every reason the device cannot run the bundle; empty when it can. */
  static List<Incompatibility> problems(Compatibility.Requirements need, DeviceRecord d) {
    ReportedState r = d.reported();
    if (r == null) {
      return List.of(new Incompatibility(Incompatibility.Kind.CAPABILITIES_UNKNOWN, "capabilities unknown: device never reported"));
    }
    return Compatibility.check(need, r.agentVersion(), r.capabilities());
  }

  static Refused refused(String deviceId, List<Incompatibility> problems) {
    return new Refused(deviceId, problems.get(0).kind().code(), Compatibility.describe(problems));
  }

  /** The 409 for a rollout refused because some targets cannot run the bundle; lists every one of them. */
  static FleetException refusal(ModelVersion v, List<Refused> refused, int targets) {
    List<String> shown = new ArrayList<>();
    for (Refused r : refused.subList(0, Math.min(LISTED_IN_MESSAGE, refused.size()))) {
      shown.add(r.deviceId() + ": " + r.details());
    }
    String more = refused.size() > LISTED_IN_MESSAGE ? "; and " + (refused.size() - LISTED_IN_MESSAGE) + " more" : "";
    int compatible = targets - refused.size();
    String message = refused.size() + " of " + targets + " target devices cannot run " + v.name() + " v" + v.version()
        + " (" + String.join("; ", shown) + more + "): nothing was rolled out. "
        + (compatible > 0 ? "Send \"incompatible\": \"skip\" to roll out to the " + compatible + " compatible device(s), "
            : "")
        + "narrow the selector, or upgrade those devices";
    return new FleetException(FleetException.Kind.CONFLICT, "incompatible_devices", message,
        Map.of("compatible", compatible, "incompatible", refused));
  }
}
