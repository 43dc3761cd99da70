package org.edgefleet.protocol.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.edgefleet.protocol.transfer.ChunkPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleRoundTripTest {

  @TempDir Path dir;

  @Test
  void verifyingAndPlanningInOnePassMakesTheSamePlanAsCuttingTheFileAfterwards() throws Exception {
    SigningKey key = SigningKey.generate(KeyRole.PACKAGER);
    Path bundle = TestBundles.write(dir, key, 4);
    BundleReader reader = new BundleReader(TrustStore.of(key.publicKey()), BundleLimits.DEFAULT,
        Clock.fixed(TestBundles.NOW, ZoneOffset.UTC));

    BundleReader.Planned planned = reader.verifyAndPlan(bundle, ChunkPlan.MIN_CHUNK_SIZE);
    assertThat(planned.plan()).isEqualTo(ChunkPlan.of(bundle, ChunkPlan.MIN_CHUNK_SIZE));
    assertThat(planned.plan().chunkCount()).isGreaterThan(1);
    assertThat(planned.bundle().digest()).isEqualTo(planned.plan().digest()).isEqualTo(Sha256.hex(bundle));
  }

  @Test
  void writtenBundleVerifiesAndExtracts() throws Exception {
    SigningKey key = SigningKey.generate(KeyRole.PACKAGER);
    Path bundle = TestBundles.write(dir, key, 3);
    BundleReader reader = new BundleReader(TrustStore.of(key.publicKey()), BundleLimits.DEFAULT,
        Clock.fixed(TestBundles.NOW, ZoneOffset.UTC));

    VerifiedBundle verified = reader.verify(bundle);
    assertThat(verified.manifest().name()).isEqualTo("demo-model");
    assertThat(verified.manifest().version()).isEqualTo(3);
    assertThat(verified.digest()).isEqualTo(Sha256.hex(bundle));
    assertThat(verified.size()).isEqualTo(Files.size(bundle));
    Tensor expected = verified.manifest().testVectors().get(0).expected().get("score");
    assertThat(expected.floats()).containsExactly(3f);
    assertThat(verified.manifest().referenceStats().get(0).binOf(1.5)).isEqualTo(1);

    Path target = Files.createDirectory(dir.resolve("slot"));
    reader.extract(bundle, target);
    assertThat(Sha256.hex(target.resolve("model.onnx"))).isEqualTo(verified.manifest().files().get(0).sha256());
  }
}
