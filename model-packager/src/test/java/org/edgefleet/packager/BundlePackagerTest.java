package org.edgefleet.packager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.edgefleet.packager.csv.CsvTable;
import org.edgefleet.packager.onnx.OnnxModel;
import org.edgefleet.packager.sample.MotorCsv;
import org.edgefleet.packager.sample.MotorDataGenerator;
import org.edgefleet.packager.sample.MotorFeature;
import org.edgefleet.packager.sample.SampleModel;
import org.edgefleet.packager.sample.SampleModelReport;
import org.edgefleet.packager.stats.Binning;
import org.edgefleet.packager.vectors.TestVectors;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.bundle.BundleReader;
import org.edgefleet.protocol.bundle.FeatureStats;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.bundle.VerifiedBundle;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundlePackagerTest {

  static final Instant NOW = Instant.parse("2026-11-23T12:00:00.750Z");

  @TempDir
  static Path shared;

  @TempDir
  Path dir;

  private static SampleModelReport sample;
  private static final SigningKey KEY = SigningKey.generate(KeyRole.PACKAGER);

  @BeforeAll
  static void buildSample() throws Exception {
    sample = SampleModel.build(shared, 11);
  }

  private BundlePackager.Builder motor() {
    return BundlePackager.builder()
        .model(sample.int8Model()).name("motor-anomaly").version(7)
        .calibration(sample.calibration()).signingKey(KEY)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).expiresIn(Duration.ofDays(30))
        .description("int8 motor model");
  }

  @Test
  void packagesTheSampleModelIntoABundleTheProtocolReaderAccepts() throws Exception {
    Path out = dir.resolve("motor.bundle");
    PackageResult result = motor().build().writeTo(out);

    BundleReader reader = new BundleReader(TrustStore.of(KEY.publicKey()), BundleLimits.DEFAULT,
        Clock.fixed(NOW.plus(Duration.ofDays(1)), ZoneOffset.UTC));
    Path extracted = Files.createDirectory(dir.resolve("extracted"));
    VerifiedBundle verified = reader.extract(out, extracted);

    assertThat(verified.manifest()).isEqualTo(result.manifest());
    assertThat(verified.digest()).isEqualTo(result.sha256()).isEqualTo(Sha256.hex(out));
    assertThat(result.size()).isEqualTo(Files.size(out));
    assertThat(Files.mismatch(extracted.resolve(BundlePackager.modelPath(ModelFormat.ONNX)), sample.int8Model())).isEqualTo(-1);
  }

  @Test
  void theManifestDescribesTheModelFromTheModelItself() throws Exception {
    Manifest m = motor().build().writeTo(dir.resolve("motor.bundle")).manifest();

    assertThat(m.name()).isEqualTo("motor-anomaly");
    assertThat(m.version()).isEqualTo(7);
    assertThat(m.format()).isEqualTo(ModelFormat.ONNX);
    assertThat(m.keyId()).isEqualTo(KEY.keyId());
    assertThat(m.createdAt()).isEqualTo(Instant.parse("2026-11-23T12:00:00Z"));
    assertThat(m.expiresAt()).isEqualTo(Instant.parse("2026-12-23T12:00:00Z"));
    assertThat(m.runtime()).isEqualTo(new Manifest.RuntimeRequirements("0.1.0", List.of("x86_64", "aarch64"), 13));
    assertThat(m.inputs()).hasSize(1);
    assertThat(m.inputs().get(0).name()).isEqualTo("features");
    assertThat(m.inputs().get(0).shape()).containsExactly(-1L, 8L);
    assertThat(m.inputs().get(0).features()).isEqualTo(MotorFeature.names());
    assertThat(m.outputs()).extracting(t -> t.name()).containsExactly("probabilities", "label");
    assertThat(m.quantization().scheme()).isEqualTo("int8-weight-only");
    assertThat(m.quantization().granularity()).isEqualTo("per-tensor");
    assertThat(m.files()).singleElement().satisfies(f -> {
      assertThat(f.path()).isEqualTo(BundlePackager.modelPath(ModelFormat.ONNX));
      assertThat(f.size()).isEqualTo(Files.size(sample.int8Model()));
      assertThat(f.sha256()).isEqualTo(Sha256.hex(sample.int8Model()));
    });
    assertThat(m.description()).isEqualTo("int8 motor model");
  }

  @Test
  void histogramsCoverEveryFeatureOfEveryCalibrationRow() throws Exception {
    Manifest m = motor().histograms(Binning.QUANTILE, 16).build()
        .writeTo(dir.resolve("motor.bundle")).manifest();

    assertThat(m.referenceStats()).extracting(FeatureStats::feature).isEqualTo(MotorFeature.names());
    assertThat(m.referenceStats()).allSatisfy(s -> {
      assertThat(s.input()).isEqualTo("features");
      assertThat(s.counts()).hasSize(16);
      assertThat(s.counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(CsvTable.read(sample.calibration()).rowCount());
    });
  }

  @Test
  void testVectorsAreReproducedByOnnxRuntimeAndMatchTheJavaModel() throws Exception {
    Manifest m = motor().testVectors(4).build().writeTo(dir.resolve("motor.bundle")).manifest();

    assertThat(m.testVectors()).hasSize(5);
    TestVector single = m.testVectors().get(0);
    float[] row = single.inputs().get("features").floats();
    assertThat(single.expected().get("probabilities").floats())
        .containsExactly(sample.mlp().withInt8Weights().probabilities(row), within(1e-4f));
    assertThat(m.testVectors().get(4).inputs().get("features").shape()).containsExactly(4, 8);
    try (OnnxModel model = OnnxModel.open(sample.int8Model())) {
      assertThat(TestVectors.check(model, m.testVectors()).passed()).isTrue();
    }
  }

  @Test
  void picksTheModelsFeatureColumnsOutOfALabelledCsv() throws Exception {
    Path labelled = dir.resolve("labelled.csv");
    MotorCsv.write(labelled, MotorDataGenerator.create().dataset(200, 1));

    Manifest m = motor().calibration(labelled).build().writeTo(dir.resolve("motor.bundle")).manifest();

    assertThat(m.referenceStats()).hasSize(8);
    assertThat(m.testVectors().get(0).inputs().get("features").floats())
        .containsExactly(MotorDataGenerator.create().dataset(200, 1).get(0).features());
  }

  @Test
  void takesFeatureNamesFromTheCsvHeaderWhenTheModelHasNone() throws Exception {
    Path model = TestModels.plusOne(dir.resolve("plus.onnx"), 3);
    CsvTable rows = CsvTable.of(List.of("a", "b", "c"), new float[][] {{1, 2, 3}, {4, 5, 6}});

    Manifest m = BundlePackager.builder().model(model).name("plus").version(1).signingKey(KEY)
        .testInputs(rows).build().writeTo(dir.resolve("plus.bundle")).manifest();

    assertThat(m.inputs().get(0).features()).containsExactly("a", "b", "c");
    assertThat(m.referenceStats()).isEmpty();
    assertThat(m.testVectors()).hasSize(3);
    assertThat(m.quantization()).isEqualTo(Manifest.Quantization.NONE);
  }

  @Test
  void refusesACsvWhoseColumnsDoNotFitTheModel() throws Exception {
    Path model = TestModels.plusOne(dir.resolve("plus.onnx"), 3);
    CsvTable twoColumns = CsvTable.of(List.of("a", "b"), new float[][] {{1, 2}});
    Path sevenFeatures = dir.resolve("seven.csv");
    Files.writeString(sevenFeatures, "vib_rms_x,vib_rms_y,vib_rms_z,vib_kurtosis,vib_crest_factor,bearing_temp_c,rpm\n1,1,1,3,3,50,1500\n");

    assertThatThrownBy(() -> BundlePackager.builder().model(model).name("plus").version(1).signingKey(KEY)
        .calibration(twoColumns).build().writeTo(dir.resolve("x.bundle")))
        .isInstanceOf(PackagingException.class)
        .hasMessage("calibration data has 2 columns [a, b] but the model input 'x' takes 3 values per row");
    assertThatThrownBy(() -> motor().calibration(sevenFeatures).build().writeTo(dir.resolve("y.bundle")))
        .isInstanceOf(PackagingException.class)
        .hasMessageContaining("seven.csv has the columns [vib_rms_x,")
        .hasMessageEndingWith("missing [winding_current_a]");
    assertThat(dir.resolve("x.bundle")).doesNotExist();
  }

  @Test
  void aCsvFeedsOnlyTabularModelsAndNoDataAtAllMeansGeneratedInputs() throws Exception {
    Path two = TestModels.twoInputs(dir.resolve("two.onnx"));
    CsvTable rows = CsvTable.of(List.of("a", "b"), new float[][] {{1, 2}});

    assertThatThrownBy(() -> BundlePackager.builder().model(two).name("two").version(1).signingKey(KEY)
        .calibration(rows).build().writeTo(dir.resolve("two.bundle")))
        .hasMessageStartingWith("calibration data reads as a CSV table, which feeds a model with one input of shape [batch, n]")
        .hasMessageEndingWith("give .npy/.npz files (or NAME=FILE per input) instead");
    assertThat(dir.resolve("two.bundle")).doesNotExist();

    Manifest m = BundlePackager.builder().model(two).name("two").version(1).signingKey(KEY)
        .build().writeTo(dir.resolve("generated.bundle")).manifest();
    assertThat(m.description()).contains("generated inputs");
    assertThat(m.referenceStats()).isEmpty();
    assertThat(m.testVectors()).hasSize(6);
    Tensor a = m.testVectors().get(0).inputs().get("a");
    Tensor b = m.testVectors().get(0).inputs().get("b");
    assertThat(m.testVectors().get(0).expected().get("z").floats()[0]).isEqualTo(a.floats()[0] + b.floats()[0]);
  }

  @Test
  void theBuilderNamesWhatIsMissingOrOutOfRange() {
    assertThatThrownBy(() -> BundlePackager.builder().name("m").version(1).signingKey(KEY).build())
        .isInstanceOf(PackagingException.class).hasMessage("model must be set");
    assertThatThrownBy(() -> motor().version(0).build())
        .hasMessage("version must be >= 1 (it is the anti-rollback counter), got 0");
    SigningKey serverKey = SigningKey.generate(KeyRole.SERVER);
    assertThatThrownBy(() -> motor().signingKey(serverKey).build())
        .hasMessage("bundles are signed with a packager key; key " + serverKey.keyId() + " is a server key");
    assertThatThrownBy(() -> motor().model(dir.resolve("missing.onnx")).build())
        .hasMessageEndingWith("missing.onnx does not exist or is not a file");
    assertThatThrownBy(() -> motor().expiresIn(Duration.ZERO).build()).hasMessageStartingWith("expiry must be a positive duration");
    assertThatThrownBy(() -> motor().name("no spaces").build().writeTo(dir.resolve("n.bundle")))
        .hasMessageStartingWith("invalid manifest: model name 'no spaces' must be");
  }

  @Test
  void theSameInputsAndClockGiveTheSameSignedManifest() throws Exception {
    Manifest first = motor().build().writeTo(dir.resolve("a.bundle")).manifest();
    Manifest second = motor().build().writeTo(dir.resolve("b.bundle")).manifest();

    assertThat(second).isEqualTo(first);
  }
}
