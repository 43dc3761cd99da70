package org.edgefleet.server.registry;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.message.BundleRef;

/**
 * A registered model version: the bundle's identity and its chunk plan.
 *
 * @param createdAt when the packager made the bundle (from its manifest)
 * @param uploadedAt when the server registered it
 */
public record ModelVersion(String name, int version, String digest, long size, ModelFormat format,
    Instant createdAt, Instant uploadedAt, String keyId, @JsonIgnore BundleRef bundle) {

  public ModelVersion withBundle(BundleRef plan) {
    return new ModelVersion(name, version, digest, size, format, createdAt, uploadedAt, keyId, plan);
  }
}
