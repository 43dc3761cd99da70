package org.edgefleet.agent.update;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.edgefleet.agent.serving.ModelLoader;
import org.edgefleet.protocol.bundle.BundleException.Reason;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.bundle.BundlePaths;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.ModelAssignment;
import org.edgefleet.protocol.message.ReportedState.Capabilities;
import org.edgefleet.protocol.runtime.Compatibility;
import org.edgefleet.protocol.runtime.Incompatibility;
import org.edgefleet.protocol.runtime.Platform;

/** What to do about an assignment, and whether a verified manifest may be installed here. */
final class UpdatePolicy {

  /** The action an assignment calls for. */
  interface Decision {}

  /** The assigned version already serves. */
  record Keep() implements Decision {}

  /** The other slot holds the assigned version: switch to it, as a rollback when it is older. */
  record Switch(SlotStore.SlotInfo slot, boolean rollback) implements Decision {}

  /** Fetch and install the bundle. */
  record Fetch() implements Decision {}

  private final SlotStore slots;
  private final ModelLoader loader;
  private final BundleLimits limits;
  private final String agentVersion;
  private final Platform platform;

  UpdatePolicy(SlotStore slots, ModelLoader loader, BundleLimits limits, String agentVersion, Platform platform) {
    this.slots = slots;
    this.loader = loader;
    this.limits = limits;
    this.agentVersion = agentVersion;
    this.platform = platform;
  }

  Decision decide(ModelAssignment a) throws UpdateFailure, IOException {
    String name = a.name();
    if (!BundlePaths.isSafe(name) || name.contains("/")) {
      throw new UpdateFailure(Execution.VERIFY, Reason.MALFORMED, "model name '" + name + "' is not a plain name");
    }
    Optional<SlotStore.ActiveSlot> active = slots.active(name);
    int activeVersion = active.map(SlotStore.ActiveSlot::version).orElse(0);
    if (activeVersion == a.version()) {
      return new Keep();
    }
    Optional<SlotStore.SlotInfo> held = slots.holding(name, a.version());
    if (a.version() < activeVersion) {
      if (!a.allowRollback()) {
        throw notNewer(a, activeVersion);
      }
      if (!held.isPresent()) {
        throw new UpdateFailure(Execution.VERIFY, Reason.VERSION_NOT_NEWER, "rollback of " + name + " to v" + a.version()
            + " asked, but the device holds only " + slots.slots(name).values().stream().map(s -> "v" + s.version()).collect(Collectors.toList()));
      }
    }
    if (held.isPresent()) {
      return new Switch(held.get(), a.version() < activeVersion);
    }
    if (a.bundle().size() > limits.maxBundleBytes()) {
      throw new UpdateFailure(Execution.DOWNLOAD, Reason.TOO_LARGE, "bundle of " + a.bundle().size()
          + " bytes exceeds this device's limit of " + limits.maxBundleBytes());
    }
    return new Fetch();
  }

  /** Checks a verified manifest against the assignment and this device. */
  void checkInstallable(ModelAssignment a, Manifest m) throws UpdateFailure, IOException {
    if (!m.name().equals(a.name()) || m.version() != a.version()) {
      throw new UpdateFailure(Execution.VERIFY, Reason.MALFORMED, "bundle holds " + m.name() + " v" + m.version()
          + " but the desired state assigns " + a.name() + " v" + a.version());
    }
    int activeVersion = slots.active(a.name()).map(SlotStore.ActiveSlot::version).orElse(0);
    if (m.version() <= activeVersion) {
      throw notNewer(a, activeVersion);
    }
    // The server checked this before it assigned the bundle; the device checks again with its own view.
    Capabilities own = new Capabilities(platform.toString(), loader.formats(), null, null);
    List<Incompatibility> problems = Compatibility.check(Compatibility.Requirements.of(m, null), agentVersion, own);
    if (!problems.isEmpty()) {
      throw new UpdateFailure(Execution.VERIFY, Reason.UNSUPPORTED, m.name() + " v" + m.version()
          + " cannot run here: " + Compatibility.describe(problems));
    }
  }

  private static UpdateFailure notNewer(ModelAssignment a, int activeVersion) {
    return new UpdateFailure(Execution.VERIFY, Reason.VERSION_NOT_NEWER, a.name() + " v" + a.version()
        + " is not newer than the active v" + activeVersion + " (a rollback needs allowRollback and the version held in a slot)");
  }
}
