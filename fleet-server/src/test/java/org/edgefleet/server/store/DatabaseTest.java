package org.edgefleet.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

  @StoreTest
  void workThatFailsLeavesNothingAndRunsNothingAfterCommit(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      List<String> after = new CopyOnWriteArrayList<>();
      CompletableFuture<Object> failed = db.execute(tx -> {
        tx.update("INSERT INTO devices (id, first_seen, last_seen) VALUES (?, ?, ?)", "d1", 1L, 1L);
        tx.afterCommit(() -> after.add("failed"));
        throw new IllegalStateException("the work failed");
      });

      assertThatThrownBy(failed::join).hasRootCauseMessage("the work failed");
      assertThat(db.read(tx -> tx.number("SELECT COUNT(*) FROM devices", -1)).join()).isZero();
      db.execute(tx -> {
        tx.update("INSERT INTO devices (id, first_seen, last_seen) VALUES (?, ?, ?)", "d2", 1L, 1L);
        tx.afterCommit(() -> after.add("committed"));
        return null;
      }).join();
      assertThat(after).containsExactly("committed");
      assertThat(db.read(tx -> tx.number("SELECT COUNT(*) FROM devices", -1)).join()).isEqualTo(1);
    }
  }

  @StoreTest
  void driverFailuresArriveAsStoreExceptionsNamingTheStatement(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      assertThatThrownBy(() -> db.read(tx -> tx.number("SELECT nothing FROM no_such_table", 0)).join())
          .isInstanceOf(CompletionException.class)
          .cause().isInstanceOf(StoreException.class).isNotInstanceOf(DuplicateKeyException.class)
          .hasMessageContaining("SELECT nothing FROM no_such_table").hasCauseInstanceOf(SQLException.class);
    }
  }

  @StoreTest
  void aSecondRowUnderAUniqueKeyIsADuplicateKey(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      String insert = "INSERT INTO devices (id, first_seen, last_seen) VALUES (?, ?, ?)";
      db.execute(tx -> tx.update(insert, "d1", 1L, 1L)).join();

      assertThatThrownBy(() -> db.execute(tx -> tx.update(insert, "d1", 2L, 2L)).join())
          .cause().isInstanceOf(DuplicateKeyException.class);
    }
  }

  /**
   * Read, then write what depends on it: without the lock two transactions would read the same
   * highest version and both insert the next one. Eight at once on PostgreSQL, on two "instances".
   */
  @StoreTest
  void aLockedReadIsNotRacedByAnotherTransaction(DatabaseConfig config) {
    try (Database one = Database.open(config); Database two = Database.open(config)) {
      List<CompletableFuture<Object>> all = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        Database db = i % 2 == 0 ? one : two;
        all.add(db.execute(tx -> {
          tx.update("INSERT INTO model_names (name, max_version) VALUES ('m', 0) ON CONFLICT (name) DO NOTHING");
          long max = tx.number("SELECT max_version FROM model_names WHERE name = 'm'" + tx.dialect().forUpdate(), 0);
          tx.update("UPDATE model_names SET max_version = ? WHERE name = 'm'", max + 1);
          return null;
        }));
      }
      all.forEach(CompletableFuture::join);

      assertThat(one.read(tx -> tx.number("SELECT max_version FROM model_names WHERE name = 'm'", 0)).join()).isEqualTo(40);
    }
  }

  @StoreTest
  void reopeningMigratesNothingAndKeepsTheRows(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      db.execute(tx -> tx.update("INSERT INTO devices (id, first_seen, last_seen) VALUES ('d', 1, 1)")).join();
    }
    try (Database db = Database.open(config)) {
      assertThat(db.read(tx -> tx.query("SELECT version FROM flyway_schema_history WHERE success = ? ORDER BY installed_rank",
          rs -> rs.getString(1), true)).join()).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "15", "16");
      assertThat(db.read(tx -> tx.number("SELECT COUNT(*) FROM devices", -1)).join()).isEqualTo(1);
    }
  }

  @StoreTest
  void aDatabaseANewerServerMigratedIsRefused(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      db.execute(tx -> tx.update("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
          + "checksum, installed_by, execution_time, success) VALUES (99, '99', 'from the future', 'SQL', 'V99__future.sql', 0, "
          + "'test', 0, ?)", true)).join();
    }
    assertThatThrownBy(() -> Database.open(config)).isInstanceOf(StoreException.class)
        .hasMessageContaining("is version 99 but this server knows only up to 16");
  }

  @StoreTest
  void aTargetOfARolloutThatDoesNotExistIsRefused(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      assertThatThrownBy(() -> db.execute(tx -> tx.update("INSERT INTO rollout_targets (rollout_id, device_id, stage, state, "
          + "updated_at) VALUES (42, 'd1', 0, 'PENDING', 0)")).join()).cause().isInstanceOf(StoreException.class)
          .hasMessageContaining("rollout_targets");
    }
  }

  @Test
  void sqliteRunsInWalWithForeignKeysOnEveryConnection(@TempDir Path dir) {
    try (Database db = Database.open(DatabaseConfig.sqlite(dir.resolve("fleet.db")))) {
      for (int i = 0; i < 4; i++) {
        assertThat(db.read(DatabaseTest::pragmas).join()).isEqualTo("wal 1 1 5000 -65536");
        assertThat(db.execute(DatabaseTest::pragmas).join()).isEqualTo("wal 1 1 5000 -65536");
      }
    }
  }

  // journal_mode, foreign_keys, synchronous (1: NORMAL), busy_timeout, cache_size
  private static String pragmas(Transaction tx) {
    return tx.first("PRAGMA journal_mode", rs -> rs.getString(1)).orElseThrow() + " "
        + tx.number("PRAGMA foreign_keys", -1) + " " + tx.number("PRAGMA synchronous", -1) + " "
        + tx.number("PRAGMA busy_timeout", -1) + " " + tx.number("PRAGMA cache_size", 0);
  }

  @StoreTest
  void anUnreachableDatabaseSaysWhichOne(DatabaseConfig config) {
    DatabaseConfig nowhere = config.dialect() == Dialect.SQLITE
        ? new DatabaseConfig("jdbc:sqlite:/nonexistent-dir/fleet.db", null, null, 1)
        : new DatabaseConfig("jdbc:postgresql://127.0.0.1:1/fleet?password=secret", "fleet", null, 1);

    assertThatThrownBy(() -> Database.open(nowhere)).isInstanceOf(StoreException.class)
        .hasMessageContaining(nowhere.safeUrl()).hasMessageNotContaining("secret");
  }
}
