package org.edgefleet.protocol.bundle;

import java.util.regex.Pattern;

/**
 * Entry paths a bundle may hold: relative, forward slashes, plain segments. Anything else
 * (absolute paths, "..", backslashes, drive letters) could escape the directory a bundle is
 * extracted into, so it is refused before any byte is written.
 */
public final class BundlePaths {

  // A segment cannot start with a dot, which also rules out "." and "..".
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final int MAX_DEPTH = 4;

  private BundlePaths() {}

  public static boolean isSafe(String path) {
    if (path == null || path.isEmpty() || path.length() > 512) {
      return false;
    }
    String[] segments = path.split("/", -1);
    if (segments.length > MAX_DEPTH) {
      return false;
    }
    for (String s : segments) {
      if (!SEGMENT.matcher(s).matches()) {
        return false;
      }
    }
    return true;
  }

  static String requireSafe(String path) {
    if (!isSafe(path)) {
      throw new IllegalArgumentException("bundle path '" + path + "' is not a plain relative path");
    }
    return path;
  }
}
