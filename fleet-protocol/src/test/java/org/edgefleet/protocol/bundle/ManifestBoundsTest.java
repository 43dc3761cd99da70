package org.edgefleet.protocol.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.edgefleet.protocol.bundle.BundleException.Reason;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed manifests that declare more than a device should ever inflate, bin or run. */
class ManifestBoundsTest {

  @TempDir Path dir;
  SigningKey key;
  BundleReader reader;
  Map<String, byte[]> entries;
  Manifest base;

  @BeforeEach
  void setUp() throws Exception {
    key = SigningKey.generate(KeyRole.PACKAGER);
    reader = new BundleReader(TrustStore.of(key.publicKey()), BundleLimits.DEFAULT, Clock.fixed(TestBundles.NOW, ZoneOffset.UTC));
    entries = HostileBundleTest.entries(TestBundles.write(dir, key, 1));
    base = TestBundles.manifest(key, 1, TestBundles.manifest(key, 1, entryOf("model.onnx")).files().get(0));
  }

  @Test
  void declaredSizesThatOverflowWhenSummedAreRefusedBeforeInflating() throws Exception {
    // 64 MiB of zeros compress to a few KiB; before the checked sum, the wrapped total passed the
    // limit and the reader inflated the entry before noticing its size (SIZE_MISMATCH).
    byte[] zeros = new byte[64 * 1024 * 1024];
    FileEntry model = entryOf("model.onnx");
    FileEntry pad = new FileEntry("pad.bin", Sha256.hex(zeros), Long.MAX_VALUE - model.size() + 2);
    entries.put("pad.bin", zeros);
    Manifest m = with(b -> copy(b, List.of(model, pad), b.inputs(), b.referenceStats(), b.testVectors()));
    assertThat(m.declaredBytes()).isEqualTo(Long.MAX_VALUE);
    assertRefused(m, Reason.TOO_LARGE, "more than");
  }

  @Test
  void moreFeaturesThanTheInputHoldsAreRefused() throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      names.add("f" + i);
    }
    TensorSpec wide = new TensorSpec("features", DType.FLOAT32, List.of(-1L, 2L), names, null);
    assertRefused(with(b -> copy(b, b.files(), List.of(wide), b.referenceStats(), b.testVectors())), Reason.TOO_LARGE,
        "30000 features");
  }

  @Test
  void moreStatisticsThanFeaturesOrTooManyBinsAreRefused() throws Exception {
    FeatureStats a = new FeatureStats("features", "a", List.of(0.0, 1.0), List.of(1L));
    List<FeatureStats> three = List.of(a, new FeatureStats("features", "b", List.of(0.0, 1.0), List.of(1L)),
        new FeatureStats("features", "c", List.of(0.0, 1.0), List.of(1L)));
    assertRefused(with(b -> copy(b, b.files(), b.inputs(), three, b.testVectors())), Reason.TOO_LARGE, "values per row");

    List<Double> edges = new ArrayList<>();
    for (int i = 0; i <= 5000; i++) {
      edges.add((double) i);
    }
    FeatureStats fine = new FeatureStats("features", "a", edges, Collections.nCopies(5000, 1L));
    assertRefused(with(b -> copy(b, b.files(), b.inputs(), List.of(fine), b.testVectors())), Reason.TOO_LARGE, "5000 bins");

    FeatureStats ghost = new FeatureStats("camera", "a", List.of(0.0, 1.0), List.of(1L));
    assertRefused(with(b -> copy(b, b.files(), b.inputs(), List.of(ghost), b.testVectors())), Reason.MALFORMED, "camera");
  }

  @Test
  void tooManyTestVectorsOrTooLargeAManifestAreRefused() throws Exception {
    TestVector tv = new TestVector(Map.of("features", Tensor.row(1f, 2f)), Map.of("score", Tensor.row(3f)), 1e-4);
    List<TestVector> many = Collections.nCopies(BundleLimits.DEFAULT.maxTestVectors() + 1, tv);
    assertRefused(with(b -> copy(b, b.files(), b.inputs(), b.referenceStats(), many)), Reason.TOO_LARGE, "test vectors");

    float[] big = new float[2 * 200_000];
    TestVector huge = new TestVector(Map.of("features", Tensor.ofFloats(new long[] {200_000, 2}, big)),
        Map.of("score", Tensor.row(3f)), 1e-4);
    assertRefused(with(b -> copy(b, b.files(), b.inputs(), b.referenceStats(), List.of(huge))), Reason.TOO_LARGE,
        "manifest.json is larger than " + BundleLimits.DEFAULT.maxManifestBytes());
  }

  @Test
  void channelSummariesOutsideTheInputAreRefused() throws Exception {
    List<Double> edges = List.of(0.0, 1.0);
    FeatureStats axis5 = new FeatureStats("features", "c", edges, List.of(1L), FeatureStats.Summary.CHANNEL, 5, 0);
    assertRefused(with(b -> copy(b, b.files(), b.inputs(), List.of(axis5), b.testVectors())), Reason.MALFORMED,
        "summarise axis 5 but the input has rank 2");
    FeatureStats channel9 = new FeatureStats("features", "c", edges, List.of(1L), FeatureStats.Summary.CHANNEL, 1, 9);
    assertRefused(with(b -> copy(b, b.files(), b.inputs(), List.of(channel9), b.testVectors())), Reason.MALFORMED,
        "channel 9 of axis 1, which has 2");
    FeatureStats huge = new FeatureStats("features", "c", edges, List.of(1L), FeatureStats.Summary.CHANNEL, 0,
        Integer.MAX_VALUE);
    assertRefused(with(b -> copy(b, b.files(), b.inputs(), List.of(huge), b.testVectors())), Reason.TOO_LARGE,
        "numbered below the limit");
    FeatureStats onAxis0 = new FeatureStats("features", "c0", edges, List.of(1L), FeatureStats.Summary.CHANNEL, 0, 0);
    FeatureStats onAxis1 = new FeatureStats("features", "c1", edges, List.of(1L), FeatureStats.Summary.CHANNEL, 1, 0);
    assertRefused(with(b -> copy(b, b.files(), b.inputs(), List.of(onAxis0, onAxis1), b.testVectors())),
        Reason.MALFORMED, "on axes 0 and 1");
    FeatureStats values = new FeatureStats("features", "v", edges, List.of(1L), FeatureStats.Summary.VALUES, null, null);
    assertRefused(with(b -> copy(b, b.files(), b.inputs(), List.of(values, values), b.testVectors())),
        Reason.MALFORMED, "more than one 'values' summary");
    assertThat(reader.verify(write(with(b -> copy(b, b.files(), b.inputs(), List.of(onAxis1, values), b.testVectors()))))
        .manifest().referenceStats()).hasSize(2);
  }

  @Test
  void theSampleShapedManifestStillPasses() throws Exception {
    assertThat(reader.verify(write(base)).manifest().name()).isEqualTo("demo-model");
  }

  private void assertRefused(Manifest m, Reason reason, String says) throws Exception {
    Path bundle = write(m);
    assertThatThrownBy(() -> reader.verify(bundle)).isInstanceOf(BundleException.class)
        .satisfies(e -> assertThat(((BundleException) e).reason()).as(e.getMessage()).isEqualTo(reason))
        .hasMessageContaining(says);
  }

  private FileEntry entryOf(String path) {
    byte[] content = entries.get(path);
    return new FileEntry(path, Sha256.hex(content), content.length);
  }

  private Manifest with(UnaryOperator<Manifest> change) {
    return change.apply(base);
  }

  private static Manifest copy(Manifest b, List<FileEntry> files, List<TensorSpec> inputs, List<FeatureStats> stats,
      List<TestVector> vectors) {
    return new Manifest(b.schema(), b.name(), b.version(), b.format(), b.modelFile(), b.runtime(), inputs, b.outputs(),
        b.quantization(), stats, vectors, files, b.createdAt(), b.expiresAt(), b.keyId(), b.description());
  }

  private int written;

  private Path write(Manifest m) throws Exception {
    Map<String, byte[]> out = new LinkedHashMap<>();
    byte[] manifest = org.edgefleet.protocol.json.Json.writePretty(m);
    out.put(BundleFormat.MANIFEST, manifest);
    out.put(BundleFormat.SIGNATURE, HostileBundleTest.signatureJson(key.keyId(), key.sign(manifest)));
    for (FileEntry f : m.files()) {
      out.put(f.path(), entries.get(f.path()));
    }
    Path p = dir.resolve("bounds-" + (written++) + ".zip");
    try (var file = Files.newOutputStream(p); var zip = new java.util.zip.ZipOutputStream(file)) {
      for (Map.Entry<String, byte[]> e : out.entrySet()) {
        zip.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return p;
  }
}
