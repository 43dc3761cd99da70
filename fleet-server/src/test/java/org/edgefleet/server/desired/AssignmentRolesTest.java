package org.edgefleet.server.desired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.StoreTest;
import org.junit.jupiter.api.Test;

/** An assignment's role, an arm's share, the active version kept beside it and whether it records outcomes: checked, stored, read back. */
class AssignmentRolesTest {

  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
  private static final String V1 = "a".repeat(64);
  private static final String V2 = "b".repeat(64);
  private static final Assignment.Beside ON_V1 = new Assignment.Beside(1, V1);

  @StoreTest
  void rolesSharesAndTheVersionBesideRoundTripAndCountAsInUse(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      Assignment arm = new Assignment("motor", 2, V2, 7, SlotRole.ARM, 0.25, ON_V1);
      Assignment candidate = new Assignment("fan", 2, V2, 8, SlotRole.CANDIDATE, null, null);
      db.execute(tx -> new SqlDesiredStore(tx).assign("d1", arm, T)).join();
      db.execute(tx -> new SqlDesiredStore(tx).assign("d1", candidate, T)).join();
      assertThat(db.read(tx -> new SqlDesiredStore(tx).assignment("d1", "motor")).join()).contains(arm);
      assertThat(db.read(tx -> new SqlDesiredStore(tx).desired("d1")).join().orElseThrow().assignments())
          .containsExactly(candidate, arm);
      assertThat(db.read(tx -> new SqlDesiredStore(tx).all()).join().get(0).assignments()).containsExactly(candidate, arm);
      assertThat(db.read(tx -> new SqlDesiredStore(tx).devicesAssigned(V1)).join()).as("v1 is kept beside the arm").isEqualTo(1);

      Assignment switched = new Assignment("motor", 2, V2, 7);
      db.execute(tx -> new SqlDesiredStore(tx).assign("d1", switched, T.plusSeconds(1))).join();
      assertThat(db.read(tx -> new SqlDesiredStore(tx).assignment("d1", "motor")).join()).contains(switched);
      assertThat(db.read(tx -> new SqlDesiredStore(tx).devicesAssigned(V1)).join()).isZero();

      // One arm of an A/B test split by device: active, recording outcomes; and back to recording none.
      Assignment recording = Assignment.recordingOutcomes("motor", 1, V1, 9);
      db.execute(tx -> new SqlDesiredStore(tx).assign("d1", recording, T.plusSeconds(2))).join();
      assertThat(db.read(tx -> new SqlDesiredStore(tx).assignment("d1", "motor")).join().orElseThrow().recordOutcomes()).isTrue();
      assertThat(db.read(tx -> new SqlDesiredStore(tx).all()).join().get(0).assignments()).contains(recording);
      Assignment plain = new Assignment("motor", 1, V1, 9);
      db.execute(tx -> new SqlDesiredStore(tx).assign("d1", plain, T.plusSeconds(3))).join();
      assertThat(db.read(tx -> new SqlDesiredStore(tx).assignment("d1", "motor")).join()).contains(plain);
    }
  }

  @Test
  void contradictoryAssignmentsAreRefused() {
    assertThatThrownBy(() -> new Assignment("motor", 2, V2, 1, SlotRole.ARM, null, ON_V1)).hasMessageContaining("share");
    assertThatThrownBy(() -> new Assignment("motor", 2, V2, 1, SlotRole.ARM, 1.0, ON_V1)).hasMessageContaining("share");
    assertThatThrownBy(() -> new Assignment("motor", 2, V2, 1, SlotRole.SHADOW, 0.5, ON_V1)).hasMessageContaining("share");
    assertThatThrownBy(() -> new Assignment("motor", 2, V2, 1, SlotRole.SHADOW, null, null)).hasMessageContaining("beside");
    assertThatThrownBy(() -> new Assignment("motor", 2, V2, 1, SlotRole.ACTIVE, null, ON_V1)).hasMessageContaining("alone");
    assertThatThrownBy(() -> new Assignment("motor", 1, V1, 1, SlotRole.SHADOW, null, ON_V1)).hasMessageContaining("itself");
    assertThatThrownBy(() -> new Assignment("motor", 1, V1, 1, null, null, null)).hasMessageContaining("role");
    assertThatThrownBy(() -> new Assignment("motor", 2, V2, 1, SlotRole.ARM, 0.5, ON_V1, true)).hasMessageContaining("only an active");
    assertThatThrownBy(() -> new Assignment("motor", 2, V2, 1, SlotRole.CANDIDATE, null, null, true))
        .hasMessageContaining("only an active");
  }
}
