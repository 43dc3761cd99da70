package org.edgefleet.protocol.runtime;

import java.util.stream.Collectors;
import java.util.ArrayList;
import java.util.List;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.message.ReportedState.Capabilities;

/**
 * Whether a device can run a bundle: its model format against the agent's engines, its
 * architectures against the device's platform, its minimum agent version against the agent's
 * (compared as versions, not text), and its size against what the device accepts and has free.
 * The server asks before it rolls a bundle out; the agent asks again before it installs one.
 */
public final class Compatibility {

  private Compatibility() {}

  /**
   * What a bundle needs of a device.
   *
   * @param bundleBytes the bundle file's size, or null to leave sizes unchecked (the bundle is here already)
   */
  public record Requirements(ModelFormat format, Manifest.RuntimeRequirements runtime, Long bundleBytes) {
    public Requirements {
      if (format == null) {
        throw new IllegalArgumentException("requirements need the bundle's format");
      }
      runtime = runtime == null ? new Manifest.RuntimeRequirements(null, List.of(), null) : runtime;
    }

    public static Requirements of(Manifest m, Long bundleBytes) {
      return new Requirements(m.format(), m.runtime(), bundleBytes);
    }
  }

  /**
   * Every reason the device cannot run the bundle; empty when it can. A device whose agent reports
   * no capabilities is checked only on its version and listed as capabilities unknown.
   */
  public static List<Incompatibility> check(Requirements need, String agentVersion, Capabilities has) {
    List<Incompatibility> out = new ArrayList<>();
    if (has == null) {
      out.add(new Incompatibility(Incompatibility.Kind.CAPABILITIES_UNKNOWN,
          "capabilities unknown: agent " + agentVersion + " does not report them (upgrade the agent to 0.2.0 or later)"));
    } else {
      checkFormat(need.format(), has, out);
      checkArch(need.runtime().architectures(), has, out);
      checkSize(need.bundleBytes(), has, out);
    }
    checkVersion(need.runtime().minAgentVersion(), agentVersion, out);
    return out;
  }

  private static void checkFormat(ModelFormat format, Capabilities has, List<Incompatibility> out) {
    if (!has.formats().contains(format.wireName())) {
      out.add(new Incompatibility(Incompatibility.Kind.FORMAT_UNSUPPORTED, "format " + format.wireName()
          + " not supported (agent has: " + (has.formats().isEmpty() ? "none" : String.join(", ", has.formats())) + ")"));
    }
  }

  private static void checkArch(List<String> allowed, Capabilities has, List<Incompatibility> out) {
    if (allowed.isEmpty()) {
      return;
    }
    Platform platform;
    try {
      platform = Platform.parse(has.arch());
    } catch (IllegalArgumentException e) {
      out.add(new Incompatibility(Incompatibility.Kind.ARCH_UNSUPPORTED, "arch " + has.arch() + " is unreadable: " + e.getMessage()));
      return;
    }
    if (allowed.stream().noneMatch(platform::allowedBy)) {
      out.add(new Incompatibility(Incompatibility.Kind.ARCH_UNSUPPORTED, "arch " + platform + " not in "
          + "[" + String.join(", ", allowed) + "]"));
    }
  }

  private static void checkSize(Long bundleBytes, Capabilities has, List<Incompatibility> out) {
    if (bundleBytes == null) {
      return;
    }
    if (has.maxBundleBytes() != null && bundleBytes > has.maxBundleBytes()) {
      out.add(new Incompatibility(Incompatibility.Kind.BUNDLE_TOO_LARGE, "bundle of " + bundleBytes
          + " bytes > device limit of " + has.maxBundleBytes()));
    }
    if (has.freeDiskBytes() != null && bundleBytes > has.freeDiskBytes()) {
      out.add(new Incompatibility(Incompatibility.Kind.DISK_TOO_SMALL, "bundle of " + bundleBytes
          + " bytes > " + has.freeDiskBytes() + " bytes free on the device"));
    }
  }

  private static void checkVersion(String required, String agentVersion, List<Incompatibility> out) {
    if (required == null || required.isBlank()) {
      return;
    }
    AgentVersion need;
    try {
      need = AgentVersion.parse(required);
    } catch (IllegalArgumentException e) {
      out.add(new Incompatibility(Incompatibility.Kind.AGENT_TOO_OLD, "the bundle's minAgentVersion is unreadable: " + e.getMessage()));
      return;
    }
    AgentVersion have;
    try {
      have = AgentVersion.parse(agentVersion);
    } catch (IllegalArgumentException e) {
      out.add(new Incompatibility(Incompatibility.Kind.AGENT_TOO_OLD, "agent version " + agentVersion + " is unreadable, required " + need));
      return;
    }
    if (have.isOlderThan(need)) {
      out.add(new Incompatibility(Incompatibility.Kind.AGENT_TOO_OLD, "agent " + agentVersion + " < required " + required));
    }
  }

  /** The reasons as one line, for an event's details or a log. */
  public static String describe(List<Incompatibility> problems) {
    return String.join("; ", problems.stream().map(Incompatibility::message).collect(Collectors.toList()));
  }
}
