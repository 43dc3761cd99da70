package org.edgefleet.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.DuplicateKeyException;
import org.edgefleet.server.store.StoreTest;

class SqlModelStoreTest {

  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  @StoreTest
  void versionsListInOrderAndTheHighestOutlivesItsDeletion(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      for (ModelVersion v : List.of(version("motor", 2, 'b'), version("fan", 1, 'c'), version("motor", 1, 'a'))) {
        db.execute(tx -> {
          new SqlModelStore(tx).insert(v, "{\"name\":\"" + v.name() + "\"}");
          return null;
        }).join();
      }
      assertThat(db.execute(tx -> new SqlModelStore(tx).delete("motor", 2)).join()).isTrue();
      assertThat(db.execute(tx -> new SqlModelStore(tx).delete("motor", 2)).join()).isFalse();

      assertThat(db.read(tx -> new SqlModelStore(tx).maxVersion("motor")).join()).isEqualTo(2);
      assertThat(db.read(tx -> new SqlModelStore(tx).maxVersion("never")).join()).isZero();
      assertThat(db.read(tx -> new SqlModelStore(tx).all()).join()).extracting(v -> v.name() + v.version())
          .containsExactly("fan1", "motor1");
      assertThat(db.read(tx -> new SqlModelStore(tx).page("fan", 1, 10)).join()).extracting(ModelVersion::name)
          .containsExactly("motor");
      assertThat(db.read(tx -> new SqlModelStore(tx).page(null, 0, 1)).join()).extracting(ModelVersion::name)
          .containsExactly("fan");
      assertThat(db.read(tx -> new SqlModelStore(tx).findByDigest("a".repeat(64))).join()).get()
          .satisfies(v -> assertThat(v.bundle().chunkHashes()).hasSize(2));
      assertThat(db.read(tx -> new SqlModelStore(tx).manifest("fan", 1)).join()).contains("{\"name\":\"fan\"}");
    }
  }

  @StoreTest
  void aSecondVersionOfTheSameBundleIsADuplicateKey(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      db.execute(tx -> {
        new SqlModelStore(tx).insert(version("motor", 1, 'a'), "{}");
        return null;
      }).join();

      assertThatThrownBy(() -> db.execute(tx -> {
        new SqlModelStore(tx).insert(version("motor", 2, 'a'), "{}");
        return null;
      }).join()).cause().isInstanceOf(DuplicateKeyException.class);
      assertThat(db.read(tx -> new SqlModelStore(tx).maxVersion("motor")).join()).isEqualTo(1);
    }
  }

  @StoreTest
  void aNewChunkPlanReplacesTheStoredOne(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      db.execute(tx -> {
        new SqlModelStore(tx).insert(version("motor", 1, 'a'), "{}");
        new SqlModelStore(tx).updatePlan("a".repeat(64), new BundleRef("a".repeat(64), 1000, 1000, List.of("d".repeat(64))));
        return null;
      }).join();

      assertThat(db.read(tx -> new SqlModelStore(tx).find("motor", 1)).join()).get()
          .satisfies(v -> assertThat(v.bundle().chunkSize()).isEqualTo(1000));
    }
  }

  private static ModelVersion version(String name, int version, char digit) {
    String digest = String.valueOf(digit).repeat(64);
    return new ModelVersion(name, version, digest, 1000, ModelFormat.ONNX, T, T, "pk1",
        new BundleRef(digest, 1000, 512, List.of("e".repeat(64), "f".repeat(64))));
  }
}
