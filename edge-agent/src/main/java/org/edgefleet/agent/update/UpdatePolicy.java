package org.edgefleet.agent.update;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.edgefleet.agent.serving.ModelLoader;
import org.edgefleet.protocol.bundle.BundleException.Reason;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.bundle.BundlePaths;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.ModelAssignment;

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
  private final String arch;

  UpdatePolicy(SlotStore slots, ModelLoader loader, BundleLimits limits, String agentVersion) {
    this.slots = slots;
    this.loader = loader;
    this.limits = limits;
    this.agentVersion = agentVersion;
    this.arch = normalizeArch(System.getProperty("os.arch", ""));
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
    if (!loader.supports(m.format())) {
      throw new UpdateFailure(Execution.VERIFY, Reason.UNSUPPORTED, "this agent has no engine for " + m.format().wireName() + " models");
    }
    Manifest.RuntimeRequirements rt = m.runtime();
    if (rt != null && rt.minAgentVersion() != null && compareVersions(agentVersion, rt.minAgentVersion()) < 0) {
      throw new UpdateFailure(Execution.VERIFY, Reason.UNSUPPORTED, "model needs agent " + rt.minAgentVersion()
          + " or later, this is " + agentVersion);
    }
    if (rt != null && !rt.architectures().isEmpty()
        && rt.architectures().stream().map(UpdatePolicy::normalizeArch).noneMatch(arch::equals)) {
      throw new UpdateFailure(Execution.VERIFY, Reason.UNSUPPORTED, "model is built for " + rt.architectures()
          + ", this device is " + arch);
    }
  }

  private static UpdateFailure notNewer(ModelAssignment a, int activeVersion) {
    return new UpdateFailure(Execution.VERIFY, Reason.VERSION_NOT_NEWER, a.name() + " v" + a.version()
        + " is not newer than the active v" + activeVersion + " (a rollback needs allowRollback and the version held in a slot)");
  }

  static String normalizeArch(String arch) {
    String a = arch.toLowerCase(Locale.ROOT);
    return switch (a) {
      case "amd64", "x64" -> "x86_64";
      case "arm64" -> "aarch64";
      default -> a;
    };
  }

  /** Compares dotted numeric versions; missing or non-numeric parts count as 0. */
  static int compareVersions(String x, String y) {
    List<String> a = List.of(x.split("[.-]"));
    List<String> b = List.of(y.split("[.-]"));
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      int c = Integer.compare(part(a, i), part(b, i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static int part(List<String> parts, int i) {
    try {
      return i < parts.size() ? Integer.parseInt(parts.get(i)) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
