package org.edgefleet.server.registry;

import java.time.Instant;
import java.util.List;
import org.edgefleet.protocol.bundle.FileEntry;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TensorSpec;

/**
 * What the registry knows of one version: the manifest summarized (statistics and test vectors are
 * counted, not copied) plus the bundle's digest, size and chunk plan.
 *
 * @param referenceFeatures "input/feature" of every feature with reference statistics
 * @param needsRetraining set once the version's drift alert persisted (see docs/monitoring.md), else null
 */
public record VersionDetail(String name, int version, String digest, long size, ModelFormat format,
    Instant createdAt, Instant expiresAt, Instant uploadedAt, String keyId, String description, String modelFile,
    Manifest.RuntimeRequirements runtime, List<TensorSpec> inputs, List<TensorSpec> outputs,
    Manifest.Quantization quantization, List<FileEntry> files, List<String> referenceFeatures, int testVectors,
    int chunkSize, int chunkCount, List<String> tags, RetrainingFlag needsRetraining) {

  static VersionDetail of(ModelVersion v, Manifest m, List<String> tags, RetrainingFlag needsRetraining) {
    return new VersionDetail(v.name(), v.version(), v.digest(), v.size(), v.format(), m.createdAt(), m.expiresAt(),
        v.uploadedAt(), v.keyId(), m.description(), m.modelFile(), m.runtime(), m.inputs(), m.outputs(),
        m.quantization(), m.files(), m.referenceStats().stream().map(s -> s.input() + "/" + s.feature()).toList(),
        m.testVectors().size(), v.bundle().chunkSize(), v.bundle().chunkCount(), tags, needsRetraining);
  }
}
