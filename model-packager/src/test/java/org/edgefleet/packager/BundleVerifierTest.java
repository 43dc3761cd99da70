package org.edgefleet.packager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.edgefleet.packager.sample.SampleModel;
import org.edgefleet.packager.sample.SampleModelReport;
import org.edgefleet.protocol.bundle.BundleException;
import org.edgefleet.protocol.bundle.BundleException.Reason;
import org.edgefleet.protocol.bundle.BundleWriter;
import org.edgefleet.protocol.bundle.FileEntry;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleVerifierTest {

  @TempDir
  static Path shared;

  @TempDir
  Path dir;

  private static final SigningKey KEY = SigningKey.generate(KeyRole.PACKAGER);
  private static SampleModelReport sample;
  private static PackageResult packaged;

  @BeforeAll
  static void packageSample() throws Exception {
    sample = SampleModel.build(shared, 5);
    packaged = BundlePackager.builder().model(sample.model()).name("motor-anomaly").version(1)
        .calibration(sample.calibration()).signingKey(KEY).build().writeTo(shared.resolve("motor.bundle"));
  }

  @Test
  void acceptsTheBundleAndRunsItsTestVectors() throws Exception {
    BundleVerifier.Verification result = new BundleVerifier(TrustStore.of(KEY.publicKey())).verify(packaged.bundle(), true);

    assertThat(result.manifest()).isEqualTo(packaged.manifest());
    assertThat(result.bundle().digest()).isEqualTo(packaged.sha256());
    assertThat(result.testVectors()).hasValueSatisfying(r -> {
      assertThat(r.passed()).isTrue();
      assertThat(r.vectors()).isEqualTo(6);
    });
    assertThat(new BundleVerifier(TrustStore.of(KEY.publicKey())).verify(packaged.bundle(), false).testVectors()).isEmpty();
  }

  @Test
  void refusesABundleSignedByAKeyItDoesNotTrust() {
    SigningKey other = SigningKey.generate(KeyRole.PACKAGER);

    assertThatThrownBy(() -> new BundleVerifier(TrustStore.of(other.publicKey())).verify(packaged.bundle(), true))
        .isInstanceOf(BundleException.class)
        .hasMessage("key " + KEY.keyId() + " is not trusted here")
        .extracting(e -> ((BundleException) e).reason()).isEqualTo(Reason.UNKNOWN_KEY);
  }

  @Test
  void refusesABundleWhoseModelWasTamperedWith() throws Exception {
    Path tampered = rewrite(packaged.bundle(), dir.resolve("tampered.bundle"), BundlePackager.modelPath(ModelFormat.ONNX), bytes -> {
      bytes[bytes.length - 5] ^= 1;
      return bytes;
    });

    assertThatThrownBy(() -> new BundleVerifier(TrustStore.of(KEY.publicKey())).verify(tampered, true))
        .isInstanceOf(BundleException.class)
        .hasMessage("model.onnx does not match its SHA-256 in the manifest")
        .extracting(e -> ((BundleException) e).reason()).isEqualTo(Reason.HASH_MISMATCH);
  }

  @Test
  void refusesASignedBundleWhoseModelMissesItsTestVectors() throws Exception {
    // Validly signed and hashed, but the model is another one than the vectors were made with.
    Manifest m = packaged.manifest();
    SampleModelReport retrained = SampleModel.build(dir.resolve("other"), 99);
    FileEntry retrainedEntry = BundleWriter.entryFor(BundlePackager.modelPath(ModelFormat.ONNX), retrained.model());
    Manifest swapped = new Manifest(m.schema(), m.name(), m.version(), m.format(), m.modelFile(), m.runtime(),
        m.inputs(), m.outputs(), m.quantization(), m.referenceStats(), m.testVectors(), List.of(retrainedEntry),
        m.createdAt(), m.expiresAt(), m.keyId(), m.description());
    Path bundle = dir.resolve("swapped.bundle");
    BundleWriter.write(swapped, Map.of(BundlePackager.modelPath(ModelFormat.ONNX), retrained.model()), KEY, bundle);

    assertThatThrownBy(() -> new BundleVerifier(TrustStore.of(KEY.publicKey())).verify(bundle, true))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("test vector output(s) missed: vector ")
        .extracting(e -> ((BundleException) e).reason()).isEqualTo(Reason.TEST_VECTOR_FAILED);
  }

  @Test
  void readsTheManifestWithoutCheckingAndRefusesNonBundles() throws Exception {
    assertThat(BundleVerifier.readUnverified(packaged.bundle())).isEqualTo(packaged.manifest());

    Path notZip = Files.writeString(dir.resolve("not.bundle"), "hello");
    assertThatThrownBy(() -> BundleVerifier.readUnverified(notZip))
        .isInstanceOf(BundleException.class).hasMessageContaining("not.bundle is not a zip file");
  }

  private static Path rewrite(Path bundle, Path out, String entry, UnaryOperator<byte[]> change)
      throws Exception {
    try (ZipFile in = new ZipFile(bundle.toFile());
         ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
      for (ZipEntry e : Collections.list(in.entries())) {
        byte[] bytes = in.getInputStream(e).readAllBytes();
        zip.putNextEntry(new ZipEntry(e.getName()));
        zip.write(e.getName().equals(entry) ? change.apply(bytes) : bytes);
        zip.closeEntry();
      }
    }
    return out;
  }
}
