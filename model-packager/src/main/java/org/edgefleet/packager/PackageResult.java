package org.edgefleet.packager;

import java.nio.file.Path;
import java.util.Objects;
import org.edgefleet.protocol.bundle.Manifest;

/**
 * A bundle the packager wrote.
 *
 * @param bundle   where it is
 * @param manifest what it holds, exactly as signed
 * @param size     bytes of the bundle file
 * @param sha256   lower-case hex SHA-256 of the bundle file, its content address on the server
 */
public record PackageResult(Path bundle, Manifest manifest, long size, String sha256) {

  public PackageResult {
    Objects.requireNonNull(bundle, "bundle must not be null");
    Objects.requireNonNull(manifest, "manifest must not be null");
    Objects.requireNonNull(sha256, "sha256 must not be null");
  }
}
