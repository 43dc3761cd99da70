package org.edgefleet.protocol.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An agent version, compared the way Semantic Versioning orders them: {@code 0.10.0} is newer than
 * {@code 0.9.0}, a missing part counts as 0 ({@code 1.2} equals {@code 1.2.0}), a pre-release is
 * older than its release ({@code 0.2.0-rc.1 < 0.2.0}) and build metadata ({@code +abc}) is ignored.
 */
public record AgentVersion(int major, int minor, int patch, List<String> preRelease) implements Comparable<AgentVersion> {

  private static final Pattern FORM = Pattern.compile(
      "(\\d{1,9})(?:\\.(\\d{1,9}))?(?:\\.(\\d{1,9}))?(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z.-]+)?");
  private static final Pattern NUMERIC = Pattern.compile("\\d+");

  public AgentVersion {
    if (major < 0 || minor < 0 || patch < 0) {
      throw new IllegalArgumentException("version parts must be >= 0");
    }
    preRelease = preRelease == null ? List.of() : List.copyOf(preRelease);
  }

  /** Parses {@code MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD]}, naming the text when it is not one. */
  public static AgentVersion parse(String text) {
    Matcher m = text == null ? null : FORM.matcher(text.strip());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a version like 0.2.0 or 1.0.0-rc.1");
    }
    List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
    return new AgentVersion(Integer.parseInt(m.group(1)), part(m.group(2)), part(m.group(3)), pre);
  }

  private static int part(String s) {
    return s == null ? 0 : Integer.parseInt(s);
  }

  public boolean isOlderThan(AgentVersion other) {
    return compareTo(other) < 0;
  }

  @Override
  public int compareTo(AgentVersion o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    if (c == 0) {
      c = Integer.compare(patch, o.patch);
    }
    return c != 0 ? c : comparePreRelease(preRelease, o.preRelease);
  }

  // A release sorts after its pre-releases; identifiers compare numerically when both are numbers,
  // a number sorts before text, and a longer list wins when one is a prefix of the other.
  private static int comparePreRelease(List<String> a, List<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Boolean.compare(a.isEmpty(), b.isEmpty());
    }
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      String x = a.get(i);
      String y = b.get(i);
      boolean xNum = NUMERIC.matcher(x).matches();
      boolean yNum = NUMERIC.matcher(y).matches();
      int c = xNum && yNum ? new java.math.BigInteger(x).compareTo(new java.math.BigInteger(y))
          : xNum != yNum ? (xNum ? -1 : 1) : x.compareTo(y);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  @Override
  public String toString() {
    List<String> out = new ArrayList<>(List.of(major + "." + minor + "." + patch));
    if (!preRelease.isEmpty()) {
      out.add(String.join(".", preRelease));
    }
    return String.join("-", out);
  }
}
