package org.edgefleet.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.edgefleet.server.rollout.RolloutStatus;
import org.edgefleet.server.rollout.SqlRolloutStore;
import org.edgefleet.server.rollout.StrategySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The move from SQLite to PostgreSQL, with a database the server made before Flyway as the source. */
@ExtendWith(PostgresCluster.class)
class DatabaseCopyTest {

  @TempDir Path dir;

  @Test
  void everyRowArrivesAndTheCountsMatchOnBothSides() throws IOException {
    DatabaseConfig from = DatabaseConfig.sqlite(legacyDatabase());
    DatabaseConfig to = PostgresCluster.newDatabase();
    List<String> progress = new ArrayList<>();

    assertThat(DatabaseCopy.copy(from, to, progress::add)).isEqualTo(LegacyFixture.ROWS);

    assertThat(progress).contains("telemetry_batches: 5 rows", "rollouts: 1 rows");
    try (Database db = Database.open(to)) {
      for (String table : DatabaseCopy.TABLES) {
        assertThat(db.read(tx -> tx.number("SELECT COUNT(*) FROM " + table, -1)).join()).as(table)
            .isEqualTo(LegacyFixture.ROWS.get(table));
      }
      assertThat(db.read(tx -> tx.first("SELECT labels, online FROM devices WHERE id = 'dev-2'",
          rs -> rs.getString(1) + " " + rs.getInt(2))).join()).contains("{\"hw\":\"rpi4\",\"region\":\"eu\"} 1");
      long next = db.execute(tx -> new SqlRolloutStore(tx).create("motor", 1, "a".repeat(64), "hw=rpi4", null, StrategySpec.ALL_AT_ONCE,
          RolloutStatus.RUNNING, Instant.now())).join();
      assertThat(next).as("the rollout id after the copied one").isEqualTo(2);
    }
  }

  @Test
  void aTargetThatHoldsRowsIsRefusedAndKeepsThem() throws IOException {
    DatabaseConfig to = PostgresCluster.newDatabase();
    DatabaseCopy.copy(DatabaseConfig.sqlite(legacyDatabase()), to, line -> { });

    assertThatThrownBy(() -> DatabaseCopy.copy(DatabaseConfig.sqlite(legacyDatabase()), to, line -> { }))
        .isInstanceOf(StoreException.class).hasMessageContaining("already holds rows in model_names");
    try (Database db = Database.open(to)) {
      assertThat(db.read(tx -> tx.number("SELECT COUNT(*) FROM rollouts", -1)).join()).isEqualTo(1);
    }
  }

  @Test
  void aSourceWithATableTheCopyDoesNotKnowIsRefusedBeforeAnythingMoves() throws IOException {
    DatabaseConfig from = DatabaseConfig.sqlite(legacyDatabase());
    try (Database db = Database.open(from)) {
      db.execute(tx -> tx.update("CREATE TABLE added_later (id TEXT)")).join();
    }
    DatabaseConfig to = PostgresCluster.newDatabase();

    assertThatThrownBy(() -> DatabaseCopy.copy(from, to, line -> { })).isInstanceOf(StoreException.class)
        .hasMessageContaining("[added_later]");
    try (Database db = Database.open(to)) {
      assertThat(db.read(tx -> tx.number("SELECT COUNT(*) FROM devices", -1)).join()).isZero();
    }
  }

  private Path legacyDatabase() throws IOException {
    return LegacyFixture.copyTo(Files.createTempFile(dir, "fleet", ".db"));
  }
}
