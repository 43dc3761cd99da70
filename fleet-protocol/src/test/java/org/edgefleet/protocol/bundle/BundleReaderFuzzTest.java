package org.edgefleet.protocol.bundle;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;

/**
 * Fuzz targets for the bundle reader: whatever the bytes, reading ends in a verified bundle or a
 * {@link BundleException}, never another exception, and writes nothing outside its directory.
 * The committed inputs under {@code BundleReaderFuzzTestInputs} replay in every build.
 */
class BundleReaderFuzzTest {

  /** A fixed key, so the committed seed bundles verify and the fuzzer can get past the signature. */
  static final SigningKey KEY = new SigningKey(Arrays.copyOf("bundle-fuzz-key".getBytes(StandardCharsets.UTF_8), 32),
      KeyRole.PACKAGER);
  static final BundleReader READER = new BundleReader(TrustStore.of(KEY.publicKey()), BundleLimits.DEFAULT,
      Clock.fixed(TestBundles.NOW, ZoneOffset.UTC));
  /** The model file every fuzzed manifest is packed with: {@code ("model bytes v1" x 100)}. */
  static final byte[] MODEL = "model bytes v1".repeat(100).getBytes(StandardCharsets.UTF_8);

  /** Any bytes as a bundle file. */
  @FuzzTest(maxDuration = "10s")
  void bundleFile(byte[] bytes) throws IOException {
    Path file = Files.createTempFile("fuzz", ".bundle");
    Path target = Files.createTempDirectory("fuzz-extract");
    try {
      Files.write(file, bytes);
      READER.extract(file, target);
    } catch (BundleException expected) {
      // refused with a reason: the only other outcome allowed
    } finally {
      Files.delete(file);
      deleteTree(target);
    }
  }

  /** Any bytes as manifest.json, correctly signed, so the fuzzer reaches the manifest's checks and the files. */
  @FuzzTest(maxDuration = "10s")
  void signedManifest(byte[] manifest) throws IOException {
    Path file = Files.createTempFile("fuzz", ".bundle");
    try {
      Files.write(file, bundle(manifest));
      READER.verify(file);
    } catch (BundleException expected) {
      // refused with a reason
    } finally {
      Files.delete(file);
    }
  }

  static byte[] bundle(byte[] manifest) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      put(zip, BundleFormat.MANIFEST, manifest);
      put(zip, BundleFormat.SIGNATURE, Json.write(new BundleSignature(1, "ed25519", KEY.keyId(),
          java.util.Base64.getEncoder().encodeToString(KEY.sign(manifest)))));
      put(zip, "model.onnx", MODEL);
    }
    return out.toByteArray();
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
