package org.edgefleet.protocol.bundle;

import org.edgefleet.protocol.trust.Hex;

/** A file in the bundle with its exact size and SHA-256. */
public record FileEntry(String path, String sha256, long size) {

  public FileEntry {
    BundlePaths.requireSafe(path);
    if (!Hex.isSha256(sha256)) {
      throw new IllegalArgumentException("file " + path + ": sha256 must be 64 lower-case hex digits");
    }
    if (size < 0) {
      throw new IllegalArgumentException("file " + path + ": size must be >= 0");
    }
  }
}
