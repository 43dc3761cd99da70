package org.edgefleet.protocol.runtime;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where an agent runs, as one normalised name {@code os-cpu}: {@code linux-x86_64},
 * {@code linux-aarch64}, {@code linux-armv7}, {@code android-arm64}. The CPU's many spellings
 * (amd64, x64, arm64, armv7l, i686...) come down to one per kind, kept in {@link #cpu}; Android
 * spells 64-bit ARM {@code arm64} after its ABI, every other OS {@code aarch64}, and both mean the
 * same CPU. A CPU this build does not know keeps its own lower-case spelling.
 */
public record Platform(String os, String cpu) {

  private static final Pattern PART = Pattern.compile("[a-z0-9_]{1,32}");

  public Platform {
    if (os == null || !PART.matcher(os).matches()) {
      throw new IllegalArgumentException("platform os '" + os + "' must be 1-32 lower-case letters and digits, like linux or android");
    }
    cpu = cpu == null ? null : canonicalCpu(cpu);
    if (cpu == null || !PART.matcher(cpu).matches()) {
      throw new IllegalArgumentException("platform cpu '" + cpu + "' must be 1-32 letters, digits or '_', like x86_64 or aarch64");
    }
  }

  /** Parses {@code os-cpu}, e.g. {@code linux-aarch64}; names the text when it is not one. */
  public static Platform parse(String name) {
    int dash = name == null ? -1 : name.indexOf('-');
    if (dash < 1 || dash == name.length() - 1) {
      throw new IllegalArgumentException("platform '" + name + "' is not os-cpu, like linux-x86_64 or android-arm64");
    }
    return new Platform(name.substring(0, dash).toLowerCase(Locale.ROOT), name.substring(dash + 1));
  }

  /** This JVM's platform. */
  public static Platform current() {
    String vm = (System.getProperty("java.vm.name", "") + " " + System.getProperty("java.vendor", "")).toLowerCase(Locale.ROOT);
    String osName = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String os = vm.contains("android") || vm.contains("dalvik") ? "android"
        : osName.startsWith("mac") ? "macos" : osName.startsWith("windows") ? "windows" : osName.replaceAll("[^a-z0-9]", "");
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return new Platform(os.isEmpty() ? "unknown" : os, arch.isEmpty() ? "unknown" : arch);
  }

  /** The one name of a CPU kind for any of its spellings: amd64 is x86_64, arm64 is aarch64. */
  public static String canonicalCpu(String spelling) {
    String s = spelling.toLowerCase(Locale.ROOT);
    return switch (s) {
      case "x86_64", "amd64", "x64" -> "x86_64";
      case "aarch64", "arm64", "arm64_v8a" -> "aarch64";
      case "armv7", "armv7l", "armv7a", "armeabi_v7a", "armhf", "arm" -> "armv7";
      case "x86", "i386", "i486", "i586", "i686" -> "x86";
      default -> s;
    };
  }

  /**
   * Whether a bundle's architecture entry allows this platform: either a whole platform
   * ({@code linux-aarch64}: that OS and CPU) or a bare CPU ({@code x86_64}: that CPU on any OS).
   * An entry that is neither allows nothing.
   */
  public boolean allowedBy(String entry) {
    try {
      return entry.indexOf('-') >= 0 ? equals(parse(entry)) : cpu.equals(canonicalCpu(entry));
    } catch (IllegalArgumentException unreadable) {
      return false;
    }
  }

  @Override
  public String toString() {
    return os + "-" + (cpu.equals("aarch64") && os.equals("android") ? "arm64" : cpu);
  }
}
