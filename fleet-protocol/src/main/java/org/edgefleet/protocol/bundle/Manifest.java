package org.edgefleet.protocol.bundle;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a bundle holds and promises. Its exact bytes are what the packager signs, so a device
 * trusts every field here once the signature verifies. {@code version} is the anti-rollback
 * counter: strictly increasing per model name.
 */
public record Manifest(
    int schema,
    String name,
    int version,
    ModelFormat format,
    String modelFile,
    RuntimeRequirements runtime,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    Quantization quantization,
    List<FeatureStats> referenceStats,
    List<TestVector> testVectors,
    List<FileEntry> files,
    Instant createdAt,
    Instant expiresAt,
    String keyId,
    String description) {

  public static final int SCHEMA = 1;

  public Manifest {
    if (schema != SCHEMA) {
      throw new IllegalArgumentException("manifest schema " + schema + " is not supported (this build reads " + SCHEMA + ")");
    }
    Names.require(name, "model name");
    if (version < 1) {
      throw new IllegalArgumentException("model version must be >= 1, was " + version);
    }
    if (format == null) {
      throw new IllegalArgumentException("manifest needs a format");
    }
    if (inputs == null || inputs.isEmpty() || outputs == null || outputs.isEmpty()) {
      throw new IllegalArgumentException("manifest needs at least one input and one output");
    }
    if (files == null || files.isEmpty()) {
      throw new IllegalArgumentException("manifest lists no files");
    }
    Set<String> paths = new HashSet<>();
    for (FileEntry f : files) {
      if (!paths.add(f.path())) {
        throw new IllegalArgumentException("manifest lists " + f.path() + " twice");
      }
    }
    if (paths.contains(BundleFormat.MANIFEST) || paths.contains(BundleFormat.SIGNATURE)) {
      throw new IllegalArgumentException("manifest must not list its own manifest or signature entry");
    }
    if (modelFile == null || !paths.contains(modelFile)) {
      throw new IllegalArgumentException("modelFile '" + modelFile + "' is not among the listed files");
    }
    if (createdAt == null || expiresAt == null || !expiresAt.isAfter(createdAt)) {
      throw new IllegalArgumentException("manifest needs createdAt and a later expiresAt");
    }
    if (keyId == null || keyId.isBlank()) {
      throw new IllegalArgumentException("manifest needs the keyId that signs it");
    }
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    referenceStats = referenceStats == null ? List.of() : List.copyOf(referenceStats);
    testVectors = testVectors == null ? List.of() : List.copyOf(testVectors);
    files = List.copyOf(files);
    quantization = quantization == null ? Quantization.NONE : quantization;
    checkSequences(testVectors);
  }

  /** A vector that takes state from the one before it needs a previous vector expecting that output. */
  private static void checkSequences(List<TestVector> vectors) {
    for (int v = 0; v < vectors.size(); v++) {
      for (Map.Entry<String, String> state : vectors.get(v).stateFrom().entrySet()) {
        if (v == 0 || !vectors.get(v - 1).expected().containsKey(state.getValue())) {
          throw new IllegalArgumentException("test vector " + v + " takes input '" + state.getKey() + "' from output '"
              + state.getValue() + "' of the previous vector, which " + (v == 0 ? "does not exist" : "does not expect it"));
        }
      }
    }
  }

  public Optional<FileEntry> file(String path) {
    return files.stream().filter(f -> f.path().equals(path)).findFirst();
  }

  /**
   * Sum of the declared sizes of every file, or {@link Long#MAX_VALUE} when the sum does not fit a
   * long: hostile sizes must not wrap around to a small number that passes a limit.
   */
  public long declaredBytes() {
    long sum = 0;
    for (FileEntry f : files) {
      if (f.size() > Long.MAX_VALUE - sum) {
        return Long.MAX_VALUE;
      }
      sum += f.size();
    }
    return sum;
  }

  /** What the model needs of the device. */
  public record RuntimeRequirements(String minAgentVersion, List<String> architectures, Integer opset) {
    public RuntimeRequirements {
      architectures = architectures == null ? List.of() : List.copyOf(architectures);
    }
  }

  /**
   * How the model was quantized; {@code scheme} is "none" for a float model. {@code report}
   * holds what the packager's quantizer measured (null for a model quantized elsewhere).
   */
  public record Quantization(String scheme, String granularity, List<String> quantized, QuantizationReport report) {
    public static final Quantization NONE = new Quantization("none", null, List.of());

    /** What the graph shows, without a quantizer's report. */
    public Quantization(String scheme, String granularity, List<String> quantized) {
      this(scheme, granularity, quantized, null);
    }

    public Quantization {
      if (scheme == null || scheme.isBlank()) {
        throw new IllegalArgumentException("quantization needs a scheme (\"none\" for a float model)");
      }
      quantized = quantized == null ? List.of() : List.copyOf(quantized);
    }
  }
}
