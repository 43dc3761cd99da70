package org.edgefleet.agent.tflite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.bundle.BundleWriter;
import org.edgefleet.protocol.bundle.FileEntry;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.SigningKey;

/** Manifests and signed bundles around a .tflite file, with the inputs and outputs given. */
final class TfliteBundles {

  static final String MODEL_FILE = "model.tflite";

  private TfliteBundles() {}

  static Manifest manifest(String name, int version, byte[] model, List<TensorSpec> inputs, List<TensorSpec> outputs,
      List<TestVector> vectors, String keyId) {
    return new Manifest(Manifest.SCHEMA, name, version, ModelFormat.TFLITE, MODEL_FILE,
        new Manifest.RuntimeRequirements("0.1.0", List.of("x86_64", "aarch64"), null), inputs, outputs, null, null,
        vectors, List.of(new FileEntry(MODEL_FILE, Sha256.hex(model), model.length)),
        Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(30)), keyId, "tflite " + name);
  }

  static Path write(Path dir, Manifest manifest, byte[] model, SigningKey key) throws IOException {
    Path src = Files.createDirectories(dir.resolve("src-" + manifest.name() + "-" + manifest.version()));
    Path file = Files.write(src.resolve(MODEL_FILE), model);
    Path out = dir.resolve(manifest.name() + "-v" + manifest.version() + ".bundle");
    BundleWriter.write(manifest, Map.of(MODEL_FILE, file), key, out);
    return out;
  }
}
