package org.edgefleet.server.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.StoreTest;

class SqlRolloutStoreTest {

  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  @StoreTest
  void aRolloutKeepsItsTargetsCountsAndStatus(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      long id = db.execute(tx -> {
        SqlRolloutStore s = new SqlRolloutStore(tx);
        long r = s.create("motor", 2, "a".repeat(64), "hw=rpi4", null, StrategySpec.ALL_AT_ONCE, RolloutStatus.RUNNING, T);
        for (int i = 0; i < 5; i++) {
          s.addTarget(r, "d" + i, 0, TargetState.PENDING, Optional.empty(), T);
        }
        s.updateTarget(r, "d1", TargetState.FAILED, "verify_failed", "bad signature", T.plusSeconds(5));
        s.updateTarget(r, "d2", TargetState.SKIPPED, "incompatible", "needs tflite", T);
        return r;
      }).join();
      long later = db.execute(tx -> new SqlRolloutStore(tx).create("motor", 3, "b".repeat(64), "", null, StrategySpec.ALL_AT_ONCE,
          RolloutStatus.RUNNING, T)).join();

      assertThat(later).isGreaterThan(id);
      Rollout r = db.read(tx -> new SqlRolloutStore(tx).find(id, 2)).join().orElseThrow();
      assertThat(r.counts()).containsEntry("pending", 3).containsEntry("failed", 1).containsEntry("total", 5);
      assertThat(r.targets()).extracting(RolloutTarget::deviceId).containsExactly("d0", "d1");
      assertThat(db.read(tx -> new SqlRolloutStore(tx).targets(id, "d1", 10)).join()).extracting(RolloutTarget::deviceId)
          .containsExactly("d2", "d3", "d4");
      assertThat(db.read(tx -> new SqlRolloutStore(tx).targetState(id, "d1")).join()).contains(TargetState.FAILED);
      assertThat(db.read(tx -> new SqlRolloutStore(tx).skipping("d2")).join()).extracting(Rollout::id).containsExactly(id);
      assertThat(db.read(tx -> new SqlRolloutStore(tx).devicesIn(TargetState.SKIPPED)).join()).containsExactly("d2");
      assertThat(db.read(tx -> new SqlRolloutStore(tx).list(RolloutFilter.ALL, null, 10)).join()).extracting(Rollout::id).containsExactly(later, id);
      assertThat(db.read(tx -> new SqlRolloutStore(tx).list(RolloutFilter.ALL, later, 10)).join()).extracting(Rollout::id).containsExactly(id);

      db.execute(tx -> {
        SqlRolloutStore s = new SqlRolloutStore(tx);
        assertThat(s.lock(id)).contains(RolloutStatus.RUNNING);
        s.setStatus(id, RolloutStatus.FINISHED, T.plusSeconds(9));
        return null;
      }).join();
      assertThat(db.read(tx -> new SqlRolloutStore(tx).withStatus(RolloutStatus.RUNNING)).join()).containsExactly(later);
      assertThat(db.read(tx -> new SqlRolloutStore(tx).running("motor", 2)).join()).isEmpty();
      assertThat(db.read(tx -> new SqlRolloutStore(tx).running("motor", 3)).join()).containsExactly(later);
      assertThat(db.execute(tx -> new SqlRolloutStore(tx).lock(999)).join()).isEmpty();
    }
  }
}
