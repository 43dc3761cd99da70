package org.edgefleet.server.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.edgefleet.protocol.bundle.BundleFormat;
import org.edgefleet.protocol.bundle.BundleSignature;
import org.edgefleet.protocol.bundle.BundleWriter;
import org.edgefleet.protocol.bundle.FileEntry;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.SigningKey;

/**
 * Real signed bundles for server tests. The model file is arbitrary bytes: the server never runs
 * models. {@link #writeRaw} builds bundles that lie, which {@link BundleWriter} refuses to make.
 */
public final class TestBundles {

  private TestBundles() {}

  public static Manifest manifest(SigningKey key, String name, int version, List<FileEntry> files, Instant created,
      Instant expires) {
    TensorSpec in = new TensorSpec("features", DType.FLOAT32, List.of(-1L, 2L), List.of("a", "b"), null);
    TensorSpec out = new TensorSpec("score", DType.FLOAT32, List.of(-1L, 1L));
    return new Manifest(Manifest.SCHEMA, name, version, ModelFormat.ONNX, files.get(0).path(),
        new Manifest.RuntimeRequirements("0.1.0", List.of("x86_64"), 13), List.of(in), List.of(out), null, List.of(),
        List.of(), files, created, expires, key.keyId(), "test model");
  }

  /** Random model bytes, the same for the same name, version and size. */
  public static byte[] modelBytes(String name, int version, int size) {
    byte[] b = new byte[size];
    new Random(name.hashCode() * 31L + version).nextBytes(b);
    return b;
  }

  public static Path write(Path dir, SigningKey key, String name, int version, int modelSize) throws IOException {
    Instant now = Instant.now();
    return write(dir, key, name, version, modelSize, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(30)));
  }

  public static Path write(Path dir, SigningKey key, String name, int version, int modelSize, Instant created,
      Instant expires) throws IOException {
    Files.createDirectories(dir);
    Path model = dir.resolve(name + "-" + version + ".onnx");
    Files.write(model, modelBytes(name, version, modelSize));
    Manifest m = manifest(key, name, version, List.of(BundleWriter.entryFor("model.onnx", model)), created, expires);
    Path out = dir.resolve(name + "-" + version + "-" + key.keyId() + ".bundle");
    BundleWriter.write(m, Map.of("model.onnx", model), key, out);
    return out;
  }

  /** A manifest entry claiming the given content, size and path. */
  public static FileEntry entry(String path, byte[] content) {
    return new FileEntry(path, Sha256.hex(content), content.length);
  }

  /**
   * Writes manifest, a signature by {@code signer} claiming {@code claimedKeyId}, then the given
   * entries in order, exactly as given.
   */
  public static Path writeRaw(Path out, Manifest manifest, SigningKey signer, String claimedKeyId,
      Map<String, byte[]> entries) throws IOException {
    byte[] manifestBytes = Json.writePretty(manifest);
    BundleSignature sig = new BundleSignature(1, "ed25519", claimedKeyId,
        Base64.getEncoder().encodeToString(signer.sign(manifestBytes)));
    try (OutputStream file = Files.newOutputStream(out); ZipOutputStream zip = new ZipOutputStream(file)) {
      put(zip, BundleFormat.MANIFEST, manifestBytes);
      put(zip, BundleFormat.SIGNATURE, Json.writePretty(sig));
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        put(zip, e.getKey(), e.getValue());
      }
    }
    return out;
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }
}
