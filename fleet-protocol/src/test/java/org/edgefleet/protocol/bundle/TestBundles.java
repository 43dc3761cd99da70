package org.edgefleet.protocol.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.SigningKey;

/** Builds small signed bundles for tests. */
final class TestBundles {

  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  private TestBundles() {}

  static Manifest manifest(SigningKey key, int version, FileEntry model) {
    TensorSpec in = new TensorSpec("features", DType.FLOAT32, List.of(-1L, 2L), List.of("a", "b"), null);
    TensorSpec out = new TensorSpec("score", DType.FLOAT32, List.of(-1L, 1L));
    TestVector tv = new TestVector(Map.of("features", Tensor.row(1f, 2f)), Map.of("score", Tensor.row(3f)), 1e-4);
    FeatureStats fs = new FeatureStats("features", "a", List.of(0.0, 1.0, 2.0), List.of(5L, 7L));
    return new Manifest(Manifest.SCHEMA, "demo-model", version, ModelFormat.ONNX, model.path(),
        new Manifest.RuntimeRequirements("0.1.0", List.of("x86_64", "aarch64"), 13),
        List.of(in), List.of(out), null, List.of(fs), List.of(tv), List.of(model),
        NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(30)), key.keyId(), "test model");
  }

  static Path write(Path dir, SigningKey key, int version) throws IOException {
    Path model = dir.resolve("model-" + version + ".onnx");
    Files.write(model, ("model bytes v" + version).repeat(100).getBytes(StandardCharsets.UTF_8));
    Manifest m = manifest(key, version, BundleWriter.entryFor("model.onnx", model));
    Path out = dir.resolve("bundle-" + version + ".zip");
    BundleWriter.write(m, Map.of("model.onnx", model), key, out);
    return out;
  }
}
