package org.edgefleet.server.desired;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.StoreTest;

class SqlDesiredStoreTest {

  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  @StoreTest
  void anAssignmentReplacesTheModelsOneAndBumpsTheRevision(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      long first = db.execute(tx -> new SqlDesiredStore(tx).assign("d1", new Assignment("motor", 1, "a".repeat(64), 1), T)).join();
      long second = db.execute(tx -> new SqlDesiredStore(tx).assign("d1", new Assignment("motor", 2, "b".repeat(64), 2),
          T.plusSeconds(1))).join();
      db.execute(tx -> new SqlDesiredStore(tx).assign("d1", new Assignment("fan", 1, "c".repeat(64), 3), T.plusSeconds(2))).join();
      db.execute(tx -> new SqlDesiredStore(tx).assign("d2", new Assignment("motor", 2, "b".repeat(64), 2), T)).join();

      assertThat(first).isEqualTo(1);
      assertThat(second).isEqualTo(2);
      Desired d1 = db.read(tx -> new SqlDesiredStore(tx).desired("d1")).join().orElseThrow();
      assertThat(d1.revision()).isEqualTo(3);
      assertThat(d1.issuedAt()).isEqualTo(T.plusSeconds(2));
      assertThat(d1.assignments()).extracting(Assignment::model, Assignment::version).containsExactly(
          org.assertj.core.groups.Tuple.tuple("fan", 1), org.assertj.core.groups.Tuple.tuple("motor", 2));
      assertThat(db.read(tx -> new SqlDesiredStore(tx).devicesAssigned("b".repeat(64))).join()).isEqualTo(2);
      assertThat(db.read(tx -> new SqlDesiredStore(tx).devicesAssigned("a".repeat(64))).join()).isZero();
      assertThat(db.read(tx -> new SqlDesiredStore(tx).devices()).join()).containsExactly("d1", "d2");
      assertThat(db.read(tx -> new SqlDesiredStore(tx).all()).join()).extracting(Desired::deviceId).containsExactly("d1", "d2");
      assertThat(db.read(tx -> new SqlDesiredStore(tx).desired("d3")).join()).isEmpty();
      assertThat(db.read(tx -> new SqlDesiredStore(tx).assignment("d1", "fan")).join()).get()
          .extracting(Assignment::rolloutId).isEqualTo(3L);
    }
  }

  /** A revision committed and never acknowledged by the broker is found for the repair; a publication never moves back. */
  @StoreTest
  void unpublishedRevisionsAreFoundUntilMarkedPublished(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      db.execute(tx -> new SqlDesiredStore(tx).assign("d1", new Assignment("motor", 1, "a".repeat(64), 1), T)).join();
      db.execute(tx -> new SqlDesiredStore(tx).assign("d2", new Assignment("motor", 1, "a".repeat(64), 1), T)).join();
      db.execute(tx -> new SqlDesiredStore(tx).assign("d3", new Assignment("motor", 1, "a".repeat(64), 1), T.plusSeconds(60))).join();

      assertThat(db.read(tx -> new SqlDesiredStore(tx).unpublished(T.plusSeconds(30), 10)).join()).containsExactly("d1", "d2");
      assertThat(db.read(tx -> new SqlDesiredStore(tx).unpublished(T.plusSeconds(30), 1)).join()).containsExactly("d1");
      db.execute(tx -> {
        new SqlDesiredStore(tx).markPublished("d1", 1);
        return null;
      }).join();
      assertThat(db.read(tx -> new SqlDesiredStore(tx).unpublished(T.plusSeconds(30), 10)).join()).containsExactly("d2");

      // A newer revision is unpublished again; a late acknowledgement of the older one does not hide it.
      db.execute(tx -> new SqlDesiredStore(tx).assign("d1", new Assignment("motor", 2, "b".repeat(64), 2), T.plusSeconds(1))).join();
      db.execute(tx -> {
        new SqlDesiredStore(tx).markPublished("d1", 1);
        return null;
      }).join();
      assertThat(db.read(tx -> new SqlDesiredStore(tx).unpublished(T.plusSeconds(30), 10)).join()).containsExactly("d1", "d2");
      db.execute(tx -> {
        new SqlDesiredStore(tx).markPublished("d1", 2);
        new SqlDesiredStore(tx).markPublished("d1", 1);
        return null;
      }).join();
      assertThat(db.read(tx -> new SqlDesiredStore(tx).unpublished(T.plusSeconds(30), 10)).join()).containsExactly("d2");
    }
  }

  /** Every assignment gets its own revision, however many transactions (and instances) assign at once. */
  @StoreTest
  void concurrentAssignmentsGetDistinctRevisions(DatabaseConfig config) {
    try (Database one = Database.open(config); Database two = Database.open(config)) {
      List<CompletableFuture<Long>> revisions = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int version = i + 1;
        Database db = i % 2 == 0 ? one : two;
        revisions.add(db.execute(tx -> new SqlDesiredStore(tx).assign("d1", new Assignment("motor", version, "a".repeat(64),
            version), T)));
      }

      assertThat(revisions.stream().map(CompletableFuture::join).toList()).doesNotHaveDuplicates().hasSize(40)
          .allMatch(r -> r >= 1 && r <= 40);
      assertThat(one.read(tx -> new SqlDesiredStore(tx).desired("d1")).join().orElseThrow().revision()).isEqualTo(40);
    }
  }
}
