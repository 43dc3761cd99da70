package org.edgefleet.server.registry;

import java.time.Instant;
import java.util.List;
import org.edgefleet.protocol.bundle.ModelFormat;

/** A model name with its registered versions, oldest first. */
public record ModelSummary(String name, List<Version> versions) {

  /**
   * One version in a listing; {@code tags} holds "latest" for the highest registered version.
   */
  public record Version(int version, String digest, long size, ModelFormat format, Instant createdAt,
      Instant uploadedAt, List<String> tags) {}
}
