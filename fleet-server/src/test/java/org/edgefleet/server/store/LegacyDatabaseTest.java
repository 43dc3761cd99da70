package org.edgefleet.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.edgefleet.server.device.SqlDeviceStore;
import org.edgefleet.server.rollout.RolloutStatus;
import org.edgefleet.server.rollout.SqlRolloutStore;
import org.edgefleet.server.rollout.StrategySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite databases made before the schema moved to Flyway ({@link LegacyFixture}) open, keep every row and go on working. */
class LegacyDatabaseTest {

  @TempDir Path dir;

  @Test
  void aDatabaseFromBeforeFlywayIsBaselinedAndKeepsItsRows() throws IOException {
    DatabaseConfig config = DatabaseConfig.sqlite(fixtureCopy());
    try (Database db = Database.open(config)) {
      for (Map.Entry<String, Long> table : LegacyFixture.ROWS.entrySet()) {
        assertThat(db.read(tx -> tx.number("SELECT COUNT(*) FROM " + table.getKey(), -1)).join())
            .as(table.getKey()).isEqualTo(table.getValue());
      }
      assertThat(db.read(tx -> tx.query("SELECT version, type FROM flyway_schema_history ORDER BY installed_rank",
          rs -> rs.getString(1) + " " + rs.getString(2))).join())
          .containsExactly("2 BASELINE", "3 SQL", "4 SQL", "5 SQL", "6 SQL", "7 SQL", "8 SQL", "9 SQL", "10 SQL", "11 SQL", "12 SQL", "13 SQL", "15 SQL", "16 SQL");
      assertThat(db.read(tx -> tx.number("SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_version'", -1)).join())
          .isZero();
      // It goes on working: the next rollout is numbered after the stored one, the stored report is found.
      long next = db.execute(tx -> new SqlRolloutStore(tx).create("motor", 1, "a".repeat(64), "hw=rpi4", null, StrategySpec.ALL_AT_ONCE,
          RolloutStatus.RUNNING, Instant.now())).join();
      assertThat(next).isEqualTo(2);
      assertThat(db.read(tx -> new SqlDeviceStore(tx).find("dev-1")).join()).get()
          .satisfies(d -> assertThat(d.labels()).containsEntry("region", "eu"));
    }
    try (Database db = Database.open(config)) {
      assertThat(db.read(tx -> tx.number("SELECT COUNT(*) FROM rollouts", -1)).join()).isEqualTo(2);
    }
  }

  @Test
  void aLegacyVersionAboveTheLastOneIsRefused() throws Exception {
    Path file = fixtureCopy();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("INSERT INTO schema_version (version, applied_at) VALUES (3, '2026-12-01T00:00:00Z')");
    }

    assertThatThrownBy(() -> Database.open(DatabaseConfig.sqlite(file))).isInstanceOf(StoreException.class)
        .hasMessageContaining("is version 3 but this server knows only up to 2");
  }

  private Path fixtureCopy() throws IOException {
    return LegacyFixture.copyTo(dir.resolve("fleet.db"));
  }
}
